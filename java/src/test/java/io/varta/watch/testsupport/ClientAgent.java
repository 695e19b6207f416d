package io.varta.watch.testsupport;

import io.varta.client.BeatOutcome;
import io.varta.client.Heartbeat;
import io.varta.client.TerminalHooks;
import io.varta.client.VartaClient;
import io.varta.vlp.Status;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Java service using the client, run in a JVM of its own by {@link ClientProcess} (class path: the client, the
 * wire format and this class; nothing of the observer). Prints {@code pid <pid>} first, then one line per beat outcome
 * ({@code <n> <outcome>}, e.g. {@code 3 sent}, {@code 4 failed: ENOENT (No such file or directory)}).
 *
 * <pre>
 *   ClientAgent uds PATH | udp HOST:PORT | secure HOST:PORT KEYFILE | master HOST:PORT KEYFILE   COMMAND
 *   COMMAND:  beats N INTERVAL_MS            N beats, then exit 0
 *             forever INTERVAL_MS            beat until killed
 *             heartbeat INTERVAL_MS OK_MS    a Heartbeat whose check passes for OK_MS, then fails; stays alive
 *             die N INTERVAL_MS              the uncaught-exception hook, N beats, then main throws
 * </pre>
 */
public final class ClientAgent
{
    private ClientAgent()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int at = 0;
        final String transport = args[at++];
        final VartaClient client;
        switch (transport)
        {
            case "uds" -> client = VartaClient.connect(Path.of(args[at++]));
            case "udp" -> client = VartaClient.connectUdp(address(args[at++]));
            case "secure" -> client = VartaClient.connectSecureUdp(address(args[at++]), Path.of(args[at++]));
            case "master" -> client = VartaClient.connectSecureUdpWithMaster(address(args[at++]), Path.of(args[at++]));
            default -> throw new IllegalArgumentException("unknown transport " + transport);
        }
        System.out.println("pid " + ProcessHandle.current().pid());
        final String command = args[at++];
        switch (command)
        {
            case "beats" -> beat(client, Integer.parseInt(args[at++]), Long.parseLong(args[at]));
            case "forever" -> beat(client, Integer.MAX_VALUE, Long.parseLong(args[at]));
            case "heartbeat" ->
            {
                final long healthyUntil = System.nanoTime() + Duration.ofMillis(Long.parseLong(args[at + 1])).toNanos();
                final Heartbeat heartbeat = Heartbeat.start(client, Duration.ofMillis(Long.parseLong(args[at])),
                    () -> System.nanoTime() - healthyUntil < 0);
                Thread.sleep(Long.MAX_VALUE);
                heartbeat.close();
            }
            case "die" ->
            {
                TerminalHooks.installUncaughtExceptionHandler(client);
                beat(client, Integer.parseInt(args[at++]), Long.parseLong(args[at]));
                throw new IllegalStateException("the agent died");
            }
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
        client.close();
    }

    private static void beat(final VartaClient client, final int count, final long intervalMs) throws InterruptedException
    {
        for (int i = 1; i <= count; i++)
        {
            final BeatOutcome outcome = client.beat(Status.OK, i);
            System.out.println(i + " " + outcome);
            Thread.sleep(intervalMs);
        }
    }

    private static InetSocketAddress address(final String hostPort)
    {
        final int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon).replace("[", "").replace("]", ""),
            Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
