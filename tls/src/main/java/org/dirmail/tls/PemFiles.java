package org.dirmail.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openssl.PEMParser;

/** Reads every PEM object of one file with BouncyCastle's parser; trusts nothing it reads, and names the file in errors. */
final class PemFiles {
    private PemFiles() {
    }

    /** All objects in {@code file}, in file order; an unknown PEM block type is an error naming the file. */
    static List<Object> readAll(Path file, String what) throws IOException {
        List<Object> objects = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                objects.add(o);
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "TLS " + what + " file not found");
        } catch (IOException e) {
            throw new IOException("cannot read TLS " + what + " file " + file + ": " + e.getMessage(), e);
        }
        return objects;
    }
}
