package dev.strangler.cli.command;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts {@code LocalPostgres} for the CLI's integration tests.
 *
 * <p>Why not directly: Failsafe puts the packaged {@code strangler.jar} on the test classpath,
 * and its manifest {@code Class-Path} adds {@code target/lib/*.jar} — so the PostgreSQL binary
 * archive is found twice and zonky refuses to start ("Duplicate embedded postgres binaries").
 * Here the zonky and embedded classes are defined by a child-first loader whose
 * {@code getResources} keeps one copy per jar name; everything else is shared with the test.
 */
final class ShadowTestPostgres implements AutoCloseable {

    private final AutoCloseable pg;
    private final Object handle;

    private ShadowTestPostgres(Object handle) {
        this.handle = handle;
        this.pg = (AutoCloseable) handle;
    }

    static ShadowTestPostgres start() throws Exception {
        ClassLoader loader = new DedupingLoader(ShadowTestPostgres.class.getClassLoader());
        Class<?> type = loader.loadClass("dev.strangler.embedded.LocalPostgres");
        return new ShadowTestPostgres(type.getMethod("start").invoke(null));
    }

    /** Creates {@code database} and returns its JDBC URL (superuser, no password). */
    String createDatabase(String database) throws Exception {
        handle.getClass().getMethod("createDatabase", String.class).invoke(handle, database);
        return (String) handle.getClass().getMethod("jdbcUrl", String.class).invoke(handle, database);
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping embedded PostgreSQL failed", e);
        }
    }

    private static final class DedupingLoader extends ClassLoader {

        DedupingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.zonky.") && !name.startsWith("dev.strangler.embedded.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            Map<String, URL> byJar = new LinkedHashMap<>();
            for (URL url : Collections.list(getParent().getResources(name))) {
                String text = url.toString();
                int bang = text.indexOf("!/");
                String jar = bang < 0 ? text : text.substring(text.lastIndexOf('/', bang) + 1, bang);
                byJar.putIfAbsent(jar, url);
            }
            return Collections.enumeration(new ArrayList<>(byJar.values()));
        }

        @Override
        public URL getResource(String name) {
            return getParent().getResource(name);
        }

    }
}
