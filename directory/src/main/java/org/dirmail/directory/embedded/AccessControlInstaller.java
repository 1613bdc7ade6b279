package org.dirmail.directory.embedded;

import org.apache.directory.api.ldap.model.entry.DefaultEntry;
import org.apache.directory.api.ldap.model.entry.DefaultModification;
import org.apache.directory.api.ldap.model.entry.Entry;
import org.apache.directory.api.ldap.model.entry.ModificationOperation;
import org.apache.directory.api.ldap.model.exception.LdapException;
import org.apache.directory.api.ldap.model.name.Dn;
import org.apache.directory.server.core.api.CoreSession;
import org.apache.directory.server.core.api.DirectoryService;

/**
 * Installs the X.500 access control for the mail subtree: bound users may read everything but
 * other users' userPassword and may change only their own password; anonymous users get nothing.
 * It trusts that access control is enabled on the service; the admin is never restricted by it.
 */
final class AccessControlInstaller {

    private static final String ROLE = "administrativeRole";
    private static final String SPECIFIC_AREA = "accessControlSpecificArea";

    private static final String READ_ALL_BUT_PASSWORDS = "{ identificationTag \"readAllButPasswords\", "
            + "precedence 10, authenticationLevel simple, itemOrUserFirst userFirst: { "
            + "userClasses { allUsers }, userPermissions { "
            + "{ protectedItems { entry, allUserAttributeTypesAndValues }, "
            + "grantsAndDenials { grantRead, grantReturnDN, grantBrowse, grantCompare, grantFilterMatch } }, "
            + "{ protectedItems { attributeType { userPassword } }, "
            + "grantsAndDenials { denyRead, denyCompare, denyFilterMatch } } } } }";

    // Only userPassword: letting users add their own mailAlternateAddress would let anyone
    // claim any unused address of the domain (or break another user's by duplicating it).
    private static final String SELF_PASSWORD = "{ identificationTag \"selfPassword\", "
            + "precedence 20, authenticationLevel simple, itemOrUserFirst userFirst: { "
            + "userClasses { thisEntry }, userPermissions { "
            + "{ protectedItems { entry }, grantsAndDenials { grantModify, grantRead, grantBrowse, grantReturnDN } }, "
            + "{ protectedItems { attributeType { userPassword }, allAttributeValues { userPassword } }, "
            + "grantsAndDenials { grantAdd, grantRemove, grantRead } } } } }";

    private AccessControlInstaller() {
    }

    /** Idempotent: adds the administrative role and the ACI subentry only if they are missing. */
    static void install(DirectoryService ds, Dn base) throws LdapException {
        CoreSession admin = ds.getAdminSession();
        Entry context = admin.lookup(base, ROLE);
        if (!context.contains(ROLE, SPECIFIC_AREA)) {
            admin.modify(base, new DefaultModification(ModificationOperation.ADD_ATTRIBUTE, ROLE, SPECIFIC_AREA));
        }
        Dn acl = base.add("cn=mailAcl");
        if (!admin.exists(acl)) {
            admin.add(new DefaultEntry(ds.getSchemaManager(), acl,
                    "objectClass: top",
                    "objectClass: subentry",
                    "objectClass: accessControlSubentry",
                    "cn: mailAcl",
                    "subtreeSpecification: { }",
                    "prescriptiveACI: " + READ_ALL_BUT_PASSWORDS,
                    "prescriptiveACI: " + SELF_PASSWORD));
        }
    }
}
