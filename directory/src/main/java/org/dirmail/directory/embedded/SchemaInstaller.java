package org.dirmail.directory.embedded;

import java.io.IOException;

import org.apache.directory.api.ldap.model.entry.DefaultModification;
import org.apache.directory.api.ldap.model.entry.ModificationOperation;
import org.apache.directory.api.ldap.model.exception.LdapException;
import org.apache.directory.api.ldap.model.name.Dn;
import org.apache.directory.server.core.api.DirectoryService;
import org.dirmail.schema.QmailAttributes;
import org.dirmail.schema.SchemaResources;

/**
 * Makes the running server's schema hold what qmail-ldap needs: enables ApacheDS's {@code nis}
 * schema (for homeDirectory) and adds the qmail schema from {@code qmail-apacheds.ldif}. It trusts
 * that LDIF and must run before the data partition is added, whose indexes name qmail attributes.
 */
final class SchemaInstaller {

    private SchemaInstaller() {
    }

    /** Idempotent: changes only what is missing, so it is safe on every start. */
    static void install(DirectoryService ds) throws IOException, LdapException {
        if (!ds.getSchemaManager().isEnabled("nis")) {
            // Persistent: the flag is stored in the schema partition.
            ds.getAdminSession().modify(new Dn(ds.getSchemaManager(), "cn=nis,ou=schema"),
                    new DefaultModification(ModificationOperation.REPLACE_ATTRIBUTE, "m-disabled", "FALSE"));
        }
        LdifImporter.addMissing(ds, SchemaResources.APACHEDS_LDIF);
        // Fails fast, with the name, if the LDIF and the server disagree.
        ds.getSchemaManager().lookupObjectClassRegistry(QmailAttributes.QMAIL_GROUP);
        ds.getSchemaManager().lookupAttributeTypeRegistry(QmailAttributes.MAIL_ALTERNATE_ADDRESS);
    }
}
