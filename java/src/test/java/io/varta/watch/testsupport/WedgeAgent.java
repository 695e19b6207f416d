package io.varta.watch.testsupport;

import io.varta.watch.observer.LoopWedge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * TEST ONLY: the one way to reach {@link LoopWedge}. A {@code -javaagent} that the tests build at run time from
 * this class ({@link #jar(Path)}) and pass to {@code bin/varta-watch} through {@code JAVA_OPTS}:
 * {@code -javaagent:<jar>=<stage>:<millis>:<trigger file>}. Its thread waits until the trigger file exists, then
 * arms the wedge: the observer loop stops for {@code millis} the next time it enters {@code stage}.
 * The jar is never part of the build's artefacts.
 */
public final class WedgeAgent
{
    private WedgeAgent()
    {
    }

    /**
     * The agent's entry point (runs before {@code Main.main}).
     *
     * @param args {@code <stage>:<millis>:<trigger file>}
     * @param instrumentation unused
     */
    public static void premain(final String args, final Instrumentation instrumentation)
    {
        final String[] parts = args.split(":", 3);
        final String stage = parts[0];
        final long millis = Long.parseLong(parts[1]);
        final Path trigger = Path.of(parts[2]);
        final Thread waiter = new Thread(() ->
        {
            try
            {
                while (!Files.exists(trigger))
                {
                    Thread.sleep(5);
                }
                LoopWedge.arm(stage, millis);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }, "test-wedge-agent");
        waiter.setDaemon(true);
        waiter.start();
    }

    /**
     * Writes the agent jar (this class only, with a {@code Premain-Class} manifest) into {@code dir}.
     *
     * @param dir where to put it
     * @return the jar's path
     */
    public static Path jar(final Path dir) throws IOException
    {
        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), WedgeAgent.class.getName());
        final Path jar = dir.resolve("wedge-agent.jar");
        final String entry = WedgeAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = WedgeAgent.class.getClassLoader().getResourceAsStream(entry))
        {
            if (null == in)
            {
                throw new IOException("cannot read " + entry);
            }
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
