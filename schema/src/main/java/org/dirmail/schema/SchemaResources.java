package org.dirmail.schema;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Classpath names of the qmail-ldap schema in its three forms and of the sample data, so
 * callers never spell a resource path themselves. It trusts nothing but this jar's own resources.
 */
public final class SchemaResources {

    /** OpenLDAP slapd.conf form: {@code include} it after core, cosine and nis. */
    public static final String OPENLDAP_SCHEMA = "/org/dirmail/schema/qmail.schema";

    /** OpenLDAP cn=config form, for {@code ldapadd -Y EXTERNAL -H ldapi:///}. */
    public static final String OPENLDAP_CONFIG_LDIF = "/org/dirmail/schema/qmail.ldif";

    /** ApacheDS meta-schema form: entries added under {@code ou=schema}. */
    public static final String APACHEDS_LDIF = "/org/dirmail/schema/qmail-apacheds.ldif";

    /** Sample accounts under {@code dc=example,dc=com}; test credentials only. */
    public static final String SAMPLE_DATA_LDIF = "/org/dirmail/schema/sample-data.ldif";

    private SchemaResources() {
    }

    /**
     * Opens one of the resources above; the caller closes the stream.
     *
     * @throws FileNotFoundException if the name is not a resource of this jar
     */
    public static InputStream open(String resource) throws IOException {
        InputStream in = SchemaResources.class.getResourceAsStream(resource);
        if (in == null) {
            throw new FileNotFoundException("no classpath resource " + resource);
        }
        return in;
    }
}
