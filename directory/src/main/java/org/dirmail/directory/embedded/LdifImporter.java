package org.dirmail.directory.embedded;

import java.io.IOException;
import java.io.InputStream;

import org.apache.directory.api.ldap.model.entry.DefaultEntry;
import org.apache.directory.api.ldap.model.exception.LdapException;
import org.apache.directory.api.ldap.model.ldif.LdifEntry;
import org.apache.directory.api.ldap.model.ldif.LdifReader;
import org.apache.directory.server.core.api.DirectoryService;
import org.dirmail.schema.SchemaResources;

/**
 * Adds the entries of one of our own classpath LDIF files as admin, skipping entries that already
 * exist, so an interrupted first start resumes where it stopped. It trusts the LDIF (it ships in
 * our jar) and lets the server's schema checks reject anything malformed.
 */
final class LdifImporter {

    private LdifImporter() {
    }

    /** Adds the missing entries of {@code resource} in file order (parents first) and returns how many. */
    static int addMissing(DirectoryService ds, String resource) throws IOException, LdapException {
        int added = 0;
        try (InputStream in = SchemaResources.open(resource); LdifReader reader = new LdifReader(in)) {
            for (LdifEntry ldif : reader) {
                if (!ds.getAdminSession().exists(ldif.getDn())) {
                    ds.getAdminSession().add(new DefaultEntry(ds.getSchemaManager(), ldif.getEntry()));
                    added++;
                }
            }
            if (reader.hasError()) {
                throw new IOException("cannot parse " + resource, reader.getError());
            }
        }
        return added;
    }
}
