package io.varta.watch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package map of docs/ARCHITECTURE.md is the law: every import of one of our packages from another must be
 * an arrow that map allows, every package must appear in it, and the map itself must have no cycle. The map is
 * read from the document (the block between {@code <!-- package-map:begin -->} and
 * {@code <!-- package-map:end -->}), so the document and this check cannot drift apart.
 *
 * <p>The map covers {@code io.varta.watch.*} and one row that is not a package of this jar: {@code vlp}, the
 * wire-format module ({@code vlp/}, package {@code io.varta.vlp}). Its arrows say which observer packages may use the
 * wire format; the module itself stands apart, importing nothing of ours (checked here on its sources).
 */
class PackageRulesTest
{
    private static final Path ARCHITECTURE = Path.of("../docs/ARCHITECTURE.md");
    private static final Path SOURCES = Path.of("src/main/java/io/varta/watch");
    private static final Path WIRE_FORMAT_SOURCES = Path.of("../vlp/src/main/java/io/varta/vlp");
    /** The module row of the map: {@code io.varta.vlp}. */
    private static final String WIRE_FORMAT = "vlp";
    private static final Pattern IMPORT = Pattern.compile(
        "^import\\s+(?:static\\s+)?io\\.varta\\.(?:watch\\.([a-z]+)|(vlp))\\.", Pattern.MULTILINE);
    private static final Pattern ANY_IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)\\.", Pattern.MULTILINE);
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z]+)`\\s*\\|\\s*([^|]*)\\|");

    @Test
    void everyImportBetweenOurPackagesIsAnArrowTheMapAllows() throws IOException
    {
        final Map<String, Set<String>> allowed = readMap();
        final List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES))
        {
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".java"))::iterator)
            {
                final String from = SOURCES.relativize(file).getName(0).toString();
                final Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find())
                {
                    final String to = null != m.group(1) ? m.group(1) : m.group(2);
                    if (!to.equals(from) && !allowed.getOrDefault(from, Set.of()).contains(to))
                    {
                        violations.add(from + " -> " + to + " (" + SOURCES.relativize(file) + ")");
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), "imports the package map of docs/ARCHITECTURE.md does not allow:\n  "
            + String.join("\n  ", violations));
    }

    @Test
    void everyPackageIsInTheMap() throws IOException
    {
        final Map<String, Set<String>> allowed = readMap();
        final Set<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(SOURCES))
        {
            dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
        }
        final Set<String> missing = new TreeSet<>(packages);
        missing.removeAll(allowed.keySet());
        assertEquals(Set.of(), missing, "packages missing from the map in docs/ARCHITECTURE.md");
    }

    @Test
    void theWireFormatModuleStandsApart() throws IOException
    {
        assertTrue(readMap().containsKey(WIRE_FORMAT), "the map has no row for the wire-format module");
        assertEquals(Set.of(), readMap().get(WIRE_FORMAT), "the wire-format module imports nothing of ours");
        if (Files.isDirectory(SOURCES.resolve(WIRE_FORMAT)))
        {
            try (Stream<Path> stale = Files.list(SOURCES.resolve(WIRE_FORMAT)))
            {
                assertEquals(0, stale.count(),
                    "io.varta.watch.vlp is back in the observer: the wire format lives in the vlp module (io.varta.vlp)");
            }
        }
        final List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(WIRE_FORMAT_SOURCES))
        {
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".java"))::iterator)
            {
                final Matcher m = ANY_IMPORT.matcher(Files.readString(file));
                while (m.find())
                {
                    if (!m.group(1).startsWith("java.") && !m.group(1).startsWith("javax."))
                    {
                        violations.add(m.group(1) + " (" + file.getFileName() + ")");
                    }
                }
            }
        }
        assertTrue(violations.isEmpty(), "io.varta.vlp may import only the JDK:\n  " + String.join("\n  ", violations));
    }

    @Test
    void theMapHasNoCycle() throws IOException
    {
        final Map<String, Set<String>> allowed = readMap();
        for (final String start : allowed.keySet())
        {
            final Set<String> seen = new TreeSet<>();
            final List<String> todo = new ArrayList<>(allowed.get(start));
            while (!todo.isEmpty())
            {
                final String next = todo.remove(todo.size() - 1);
                assertFalse(next.equals(start), "the package map has a cycle through " + start);
                if (seen.add(next))
                {
                    todo.addAll(allowed.getOrDefault(next, Set.of()));
                }
            }
        }
    }

    /** Rows {@code | `pkg` | `a`, `b` |} between the markers; "—" or empty means no arrows. */
    private static Map<String, Set<String>> readMap() throws IOException
    {
        final String doc = Files.readString(ARCHITECTURE);
        final int begin = doc.indexOf("<!-- package-map:begin -->");
        final int end = doc.indexOf("<!-- package-map:end -->");
        assertTrue(begin >= 0 && end > begin, "docs/ARCHITECTURE.md has no package-map block");
        final Map<String, Set<String>> map = new TreeMap<>();
        for (final String line : doc.substring(begin, end).split("\n"))
        {
            final Matcher row = ROW.matcher(line);
            if (row.find())
            {
                final Set<String> targets = new TreeSet<>();
                final Matcher target = Pattern.compile("`([a-z]+)`").matcher(row.group(2));
                while (target.find())
                {
                    targets.add(target.group(1));
                }
                map.put(row.group(1), targets);
            }
        }
        assertFalse(map.isEmpty(), "the package-map block of docs/ARCHITECTURE.md has no rows");
        return map;
    }
}
