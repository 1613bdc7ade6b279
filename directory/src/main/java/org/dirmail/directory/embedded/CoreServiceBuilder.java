package org.dirmail.directory.embedded;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.directory.api.ldap.model.constants.LdapSecurityConstants;
import org.apache.directory.api.ldap.model.exception.LdapException;
import org.apache.directory.api.ldap.model.name.Dn;
import org.apache.directory.api.ldap.model.schema.SchemaManager;
import org.apache.directory.api.ldap.schema.extractor.impl.DefaultSchemaLdifExtractor;
import org.apache.directory.api.ldap.schema.loader.LdifSchemaLoader;
import org.apache.directory.api.ldap.schema.manager.impl.DefaultSchemaManager;
import org.apache.directory.server.constants.ServerDNConstants;
import org.apache.directory.server.core.DefaultDirectoryService;
import org.apache.directory.server.core.api.DnFactory;
import org.apache.directory.server.core.api.InstanceLayout;
import org.apache.directory.server.core.api.interceptor.Interceptor;
import org.apache.directory.server.core.api.schema.SchemaPartition;
import org.apache.directory.server.core.hash.PasswordHashingInterceptor;
import org.apache.directory.server.core.partition.impl.btree.jdbm.JdbmIndex;
import org.apache.directory.server.core.partition.impl.btree.jdbm.JdbmPartition;
import org.apache.directory.server.core.partition.ldif.LdifPartition;
import org.apache.directory.server.core.shared.DefaultDnFactory;
import org.dirmail.schema.QmailAttributes;

/**
 * Assembles ApacheDS's core service by hand, in the order ApacheDS needs (schema partition, system
 * partition, options; the data partition only after the qmail schema is loaded). It trusts the
 * instance directory it is given and nothing from the network; it never deletes anything.
 */
final class CoreServiceBuilder {

    static final String DATA_PARTITION_ID = "example";
    private static final int DN_CACHE_SIZE = 10_000;

    private CoreServiceBuilder() {
    }

    /** A configured but not yet started service: access control on, anonymous access off. */
    static DefaultDirectoryService build(File instanceDir) throws Exception {
        DefaultDirectoryService ds = new DefaultDirectoryService();
        ds.setShutdownHookEnabled(false); // the owner closes us
        ds.setExitVmOnShutdown(false);
        InstanceLayout layout = new InstanceLayout(instanceDir);
        ds.setInstanceLayout(layout);

        File partitions = layout.getPartitionsDirectory();
        File schemaDir = new File(partitions, "schema");
        if (!schemaDir.exists()) {
            // Throws if the directory exists, hence the check.
            new DefaultSchemaLdifExtractor(partitions).extractOrCopy();
        }
        SchemaManager sm = new DefaultSchemaManager(new LdifSchemaLoader(schemaDir));
        sm.loadAllEnabled();
        if (!sm.getErrors().isEmpty()) {
            throw new IOException("schema in " + schemaDir + " does not load: " + sm.getErrors());
        }
        // Partitions need the DnFactory before startup(), when ds.getDnFactory() is still null.
        DnFactory dnFactory = new DefaultDnFactory(sm, DN_CACHE_SIZE);
        ds.setSchemaManager(sm);
        ds.setDnFactory(dnFactory);

        LdifPartition schemaLdif = new LdifPartition(sm, dnFactory);
        schemaLdif.setPartitionPath(schemaDir.toURI());
        SchemaPartition schemaPartition = new SchemaPartition(sm);
        schemaPartition.setWrappedPartition(schemaLdif);
        ds.setSchemaPartition(schemaPartition);

        JdbmPartition system = new JdbmPartition(sm, dnFactory);
        system.setId("system");
        system.setPartitionPath(new File(partitions, "system").toURI());
        system.setSuffixDn(dnFactory.create(ServerDNConstants.SYSTEM_DN));
        ds.setSystemPartition(system);

        ds.getChangeLog().setEnabled(false);
        ds.setAllowAnonymousAccess(false);
        ds.setAccessControlEnabled(true);
        ds.setPasswordHidden(false); // the ACIs hide userPassword from users; the admin sees it
        ds.setInterceptors(withPasswordHashing(ds.getInterceptors()));
        return ds;
    }

    /**
     * The JDBM partition for {@link EmbeddedDirectory#BASE_DN}. Its indexes are declared here, before
     * the partition first holds an entry: ApacheDS builds an index added later wrongly (equality
     * searches through it find nothing), so this list must not change on an existing instance.
     */
    @SuppressWarnings("unchecked") // generic varargs of ApacheDS's API; the array is not kept
    static JdbmPartition dataPartition(DefaultDirectoryService ds) throws LdapException {
        SchemaManager sm = ds.getSchemaManager();
        JdbmPartition data = new JdbmPartition(sm, ds.getDnFactory());
        data.setId(DATA_PARTITION_ID);
        data.setSuffixDn(new Dn(sm, EmbeddedDirectory.BASE_DN));
        data.setPartitionPath(new File(ds.getInstanceLayout().getPartitionsDirectory(), DATA_PARTITION_ID).toURI());
        data.setSyncOnWrite(true); // an acknowledged write survives a crash
        data.addIndexedAttributes(
                new JdbmIndex<String>(QmailAttributes.MAIL, false),
                new JdbmIndex<String>(QmailAttributes.MAIL_ALTERNATE_ADDRESS, false),
                new JdbmIndex<String>(QmailAttributes.UID, false));
        return data;
    }

    /** Cleartext userPassword values sent by clients are stored as {SSHA512}; hashed ones are kept. */
    private static List<Interceptor> withPasswordHashing(List<Interceptor> chain) {
        List<Interceptor> result = new ArrayList<>(chain);
        int at = 0;
        while (at < result.size() && !"exceptionInterceptor".equals(result.get(at).getName())) {
            at++;
        }
        if (at == result.size()) {
            throw new IllegalStateException("ApacheDS interceptor chain has no exceptionInterceptor: " + chain);
        }
        result.add(at + 1, new PasswordHashingInterceptor("passwordHashingInterceptor",
                LdapSecurityConstants.HASH_METHOD_SSHA512) {
        });
        return result;
    }
}
