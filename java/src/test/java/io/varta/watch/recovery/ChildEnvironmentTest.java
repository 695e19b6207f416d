package io.varta.watch.recovery;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The child's environment: cleared by default, inherited on request, --recovery-env overriding, VARTA_PID last. */
class ChildEnvironmentTest
{
    private static final Map<String, String> OBSERVER = observer();

    private static Map<String, String> observer()
    {
        final Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", "/root");
        env.put("PATH", "/opt/bin:/usr/bin");
        env.put("VARTA_SECRET", "s3cret");
        return env;
    }

    @Test
    void clearedByDefaultToPathPlusTheGivenEntries()
    {
        final ChildEnvironment env = ChildEnvironment.of(List.of("A=1", "B=x=y", "A=2"), false, OBSERVER);
        assertEquals(List.of("PATH=/usr/bin:/bin", "A=2", "B=x=y"), env.entries());
        assertEquals(List.of("PATH=/usr/bin:/bin", "A=2", "B=x=y", "VARTA_PID=4242"), text(env.entriesFor(4242)));
    }

    @Test
    void inheritedOnRequestWithEntriesOverriding()
    {
        final ChildEnvironment env = ChildEnvironment.of(List.of("PATH=/bin", "C=3"), true, OBSERVER);
        assertEquals(List.of("HOME=/root", "PATH=/bin", "VARTA_SECRET=s3cret", "C=3", "VARTA_PID=9"),
            text(env.entriesFor(9)));
    }

    @Test
    void theStalledPidAlwaysWinsOverAGivenVartaPid()
    {
        final ChildEnvironment env = ChildEnvironment.of(List.of("VARTA_PID=1"), false, OBSERVER);
        assertEquals(List.of("PATH=/usr/bin:/bin", "VARTA_PID=77"), text(env.entriesFor(77)));
    }

    @Test
    void badEntriesAreNamed()
    {
        assertNull(ChildEnvironment.entryProblem("K="));
        assertNull(ChildEnvironment.entryProblem("K=v=w"));
        assertEquals("expected KEY=VALUE", ChildEnvironment.entryProblem("KEY"));
        assertEquals("KEY must not be empty", ChildEnvironment.entryProblem("=value"));
        assertEquals("must not contain a NUL byte", ChildEnvironment.entryProblem("K=a\0b"));
        assertThrows(IllegalArgumentException.class, () -> ChildEnvironment.of(List.of("=v"), false, OBSERVER));
    }

    private static List<String> text(final byte[][] entries)
    {
        return Arrays.stream(entries).map(e -> new String(e, StandardCharsets.UTF_8)).toList();
    }
}
