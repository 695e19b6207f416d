package io.varta.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packed client jar ({@code varta.client.jar}, set by Maven): only {@code io.varta.client} classes, its own
 * {@code libvarta_client.so} (never the observer's {@code libvarta_watch.so}), and a pom whose only run-time dependency
 * is {@code varta-vlp}: nothing of the observer or of Prometheus reaches an application that uses the client.
 */
class ClientJarIT
{
    private static final Pattern DEPENDENCY = Pattern.compile(
        "<dependency>\\s*<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>(.*?)</dependency>", Pattern.DOTALL);

    @Test
    void theJarHoldsTheClientItsLibraryAndNothingElse() throws IOException
    {
        final Path jar = Path.of(System.getProperty("varta.client.jar", "target/varta-client.jar"));
        final List<String> strangers = new ArrayList<>();
        boolean library = false;
        String pom = null;
        try (JarFile file = new JarFile(jar.toFile()))
        {
            for (final JarEntry entry : (Iterable<JarEntry>)file.stream()::iterator)
            {
                final String name = entry.getName();
                if (name.equals("META-INF/native/linux-x86_64/libvarta_client.so"))
                {
                    library = true;
                }
                else if (name.equals("META-INF/maven/io.varta/varta-client/pom.xml"))
                {
                    pom = new String(file.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
                }
                else if (!entry.isDirectory() && !name.startsWith("io/varta/client/") && !name.equals("META-INF/MANIFEST.MF")
                    && !name.startsWith("META-INF/maven/io.varta/varta-client/"))
                {
                    strangers.add(name);
                }
            }
        }
        assertTrue(library, "libvarta_client.so is packed");
        assertEquals(List.of(), strangers, "entries that are not the client's");
        final List<String> runtime = new ArrayList<>();
        final Matcher m = DEPENDENCY.matcher(pom);
        while (m.find())
        {
            if (!m.group(3).contains("<scope>test</scope>"))
            {
                runtime.add(m.group(1) + ":" + m.group(2));
            }
        }
        assertEquals(List.of("io.varta:varta-vlp"), runtime, "the client's run-time dependencies");
    }
}
