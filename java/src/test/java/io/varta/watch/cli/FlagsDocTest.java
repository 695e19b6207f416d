package io.varta.watch.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The flag reference in docs/FLAGS.md is the help text itself; this keeps them from drifting apart. */
class FlagsDocTest
{
    @Test
    void flagReferenceContainsTheCurrentHelpText() throws Exception
    {
        final String doc = Files.readString(Path.of("../docs/FLAGS.md"));
        assertTrue(doc.contains(HelpText.text()), "docs/FLAGS.md is stale: run ci/gen-flags-doc");
    }
}
