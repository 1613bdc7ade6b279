package org.dirmail.directory.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldif.LDIFReader;
import org.apache.directory.api.ldap.model.schema.AttributeType;
import org.apache.directory.api.ldap.model.schema.ObjectClass;
import org.apache.directory.api.ldap.model.schema.parsers.OpenLdapSchemaParser;
import org.dirmail.schema.SchemaResources;
import org.junit.jupiter.api.Test;

/**
 * The three forms of the qmail schema must define the same attribute types and object classes
 * (OID, name, matching rules, syntax, length, single-value; kind, MUST, MAY), so they cannot drift.
 */
class SchemaResourcesTest {

    private static final int QMAIL_ATTRIBUTE_TYPES = 28;

    @Test
    void openLdapSchemaAndApacheDsLdifDefineTheSameSchema() throws Exception {
        assertThat(openLdapSchema().attributeTypes).hasSize(QMAIL_ATTRIBUTE_TYPES)
                .containsExactlyInAnyOrderElementsOf(apacheDsLdif().attributeTypes);
        assertThat(openLdapSchema().objectClasses).hasSize(2)
                .containsExactlyInAnyOrderElementsOf(apacheDsLdif().objectClasses);
    }

    @Test
    void openLdapSchemaAndCnConfigLdifDefineTheSameSchema() throws Exception {
        assertThat(openLdapSchema().attributeTypes).containsExactlyInAnyOrderElementsOf(cnConfigLdif().attributeTypes);
        assertThat(openLdapSchema().objectClasses).containsExactlyInAnyOrderElementsOf(cnConfigLdif().objectClasses);
    }

    @Test
    void schemaHasQmailLdapNamesAndOids() throws Exception {
        assertThat(openLdapSchema().attributeTypes).contains(
                "1.3.6.1.4.1.7914.1.2.1.4 mailalternateaddress eq=caseignoreia5match sub=caseignoreia5substringsmatch"
                        + " syntax=1.3.6.1.4.1.1466.115.121.1.26{256} mv",
                "1.3.6.1.4.1.7914.1.2.1.3 mailmessagestore eq=caseexactia5match sub=caseignoreia5substringsmatch"
                        + " syntax=1.3.6.1.4.1.1466.115.121.1.26{256} sv",
                "1.3.6.1.4.1.7914.1.3.1.2 rfc822member eq=caseignoreia5match sub=caseignoreia5substringsmatch"
                        + " syntax=1.3.6.1.4.1.1466.115.121.1.26{256} mv");
        assertThat(openLdapSchema().objectClasses).anySatisfy(oc -> assertThat(oc)
                .startsWith("1.3.6.1.4.1.7914.1.2.2.1 qmailuser AUXILIARY must=[mail] may=["));
    }

    @Test
    void everySampleMaildirContainsItsUid() throws Exception {
        List<Entry> accounts = new ArrayList<>();
        try (LDIFReader reader = new LDIFReader(SchemaResources.open(SchemaResources.SAMPLE_DATA_LDIF))) {
            for (Entry e = reader.readEntry(); e != null; e = reader.readEntry()) {
                if (e.hasObjectClass("qmailUser")) {
                    accounts.add(e);
                }
            }
        }
        assertThat(accounts).hasSize(6).allSatisfy(e -> assertThat(e.getAttributeValue("mailMessageStore"))
                .endsWith("/Maildir/").contains("/" + e.getAttributeValue("uid") + "/"));
    }

    /** Attribute types and object classes, each rendered as one comparable line. */
    private record Definitions(Set<String> attributeTypes, Set<String> objectClasses) {
    }

    private static Definitions openLdapSchema() throws Exception {
        OpenLdapSchemaParser parser = new OpenLdapSchemaParser();
        try (InputStream in = SchemaResources.open(SchemaResources.OPENLDAP_SCHEMA)) {
            parser.parse(in);
        }
        Definitions d = new Definitions(new TreeSet<>(), new TreeSet<>());
        parser.getAttributeTypes().forEach(at -> d.attributeTypes.add(render(at)));
        parser.getObjectClasses().forEach(oc -> d.objectClasses.add(render(oc)));
        return d;
    }

    private static Definitions cnConfigLdif() throws Exception {
        Entry config;
        try (LDIFReader reader = new LDIFReader(SchemaResources.open(SchemaResources.OPENLDAP_CONFIG_LDIF))) {
            config = reader.readEntry();
            assertThat(reader.readEntry()).isNull();
        }
        assertThat(config.getDN()).isEqualTo("cn=qmail,cn=schema,cn=config");
        OpenLdapSchemaParser parser = new OpenLdapSchemaParser();
        Definitions d = new Definitions(new TreeSet<>(), new TreeSet<>());
        for (String value : config.getAttributeValues("olcAttributeTypes")) {
            d.attributeTypes.add(render(parser.parseAttributeType(withoutOrderingPrefix(value))));
        }
        for (String value : config.getAttributeValues("olcObjectClasses")) {
            d.objectClasses.add(render(parser.parseObjectClass(withoutOrderingPrefix(value))));
        }
        return d;
    }

    private static Definitions apacheDsLdif() throws Exception {
        Definitions d = new Definitions(new TreeSet<>(), new TreeSet<>());
        try (LDIFReader reader = new LDIFReader(SchemaResources.open(SchemaResources.APACHEDS_LDIF))) {
            for (Entry e = reader.readEntry(); e != null; e = reader.readEntry()) {
                if (e.hasObjectClass("metaAttributeType")) {
                    String length = e.getAttributeValue("m-length");
                    d.attributeTypes.add(attributeLine(e.getAttributeValue("m-oid"), e.getAttributeValue("m-name"),
                            e.getAttributeValue("m-equality"), e.getAttributeValue("m-substr"),
                            e.getAttributeValue("m-syntax"), length == null ? 0 : Long.parseLong(length),
                            "TRUE".equals(e.getAttributeValue("m-singleValue"))));
                } else if (e.hasObjectClass("metaObjectClass")) {
                    d.objectClasses.add(classLine(e.getAttributeValue("m-oid"), e.getAttributeValue("m-name"),
                            e.getAttributeValue("m-typeObjectClass"), values(e, "m-must"), values(e, "m-may")));
                }
            }
        }
        return d;
    }

    private static String withoutOrderingPrefix(String olcValue) {
        return olcValue.replaceFirst("^\\{\\d+}", "");
    }

    private static List<String> values(Entry e, String attribute) {
        String[] v = e.getAttributeValues(attribute);
        return v == null ? List.of() : List.of(v);
    }

    private static String render(AttributeType at) {
        return attributeLine(at.getOid(), at.getName(), at.getEqualityOid(), at.getSubstringOid(), at.getSyntaxOid(),
                at.getSyntaxLength(), at.isSingleValued());
    }

    private static String render(ObjectClass oc) {
        return classLine(oc.getOid(), oc.getName(), oc.getType().name(), oc.getMustAttributeTypeOids(),
                oc.getMayAttributeTypeOids());
    }

    private static String attributeLine(String oid, String name, String equality, String substr, String syntax,
            long length, boolean singleValue) {
        return oid + " " + lower(name) + " eq=" + lower(equality) + " sub=" + lower(substr) + " syntax=" + syntax
                + (length > 0 ? "{" + length + "}" : "") + (singleValue ? " sv" : " mv");
    }

    private static String classLine(String oid, String name, String kind, List<String> must, List<String> may) {
        return oid + " " + lower(name) + " " + kind + " must=" + sortedLower(must) + " may=" + sortedLower(may);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static Set<String> sortedLower(List<String> names) {
        Set<String> sorted = new TreeSet<>();
        names.forEach(n -> sorted.add(lower(n)));
        return sorted;
    }
}
