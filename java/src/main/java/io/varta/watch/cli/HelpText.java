package io.varta.watch.cli;

/**
 * Renders the long help text from the {@link Flag} table: usage line, then every flag of the reference
 * surface with its value placeholder, default and description. Flags whose capability this build does
 * not have yet are listed and marked.
 *
 * <p>Stateless; any thread.
 */
public final class HelpText
{
    private static final String TEXT = render();

    private HelpText()
    {
    }

    /**
     * The help text, ending with a newline. Any thread.
     *
     * @return the text
     */
    public static String text()
    {
        return TEXT;
    }

    private static String render()
    {
        final StringBuilder out = new StringBuilder(8192);
        out.append("varta-watch - heartbeat observer for local agents (VLP v0.2 over a Unix datagram socket)\n")
            .append('\n')
            .append("USAGE:\n")
            .append("    varta-watch --socket PATH --threshold-ms MS [OPTIONS]\n")
            .append('\n')
            .append("OPTIONS (value = next argument; `--flag=value` is not accepted; the last occurrence wins):\n");
        for (final Flag flag : Flag.values())
        {
            if (flag.status() == FlagStatus.REMOVED || flag == Flag.HELP_SHORT)
            {
                continue;
            }
            out.append("    ");
            if (flag == Flag.HELP)
            {
                out.append("-h, ");
            }
            out.append(flag.flagName());
            if (flag.takesValue())
            {
                out.append(' ').append(flag.valueName());
            }
            out.append('\n').append("            ").append(flag.description());
            if (!flag.defaultText().isEmpty())
            {
                out.append(flag.defaultText().equals("REQUIRED")
                    ? " [REQUIRED]"
                    : " [default: " + flag.defaultText() + "]");
            }
            out.append('\n');
        }
        out.append('\n')
            .append("REMOVED FLAGS (rejected with a migration hint):\n    ");
        boolean first = true;
        for (final Flag flag : Flag.values())
        {
            if (flag.status() == FlagStatus.REMOVED)
            {
                out.append(first ? "" : ", ").append(flag.flagName());
                first = false;
            }
        }
        out.append('\n')
            .append('\n')
            .append("EXIT STATUS:\n")
            .append("    0  clean shutdown (SIGINT, SIGTERM, --shutdown-after-secs) or --help\n")
            .append("    1  startup or runtime failure\n")
            .append("    2  command-line or configuration error\n");
        return out.toString();
    }
}
