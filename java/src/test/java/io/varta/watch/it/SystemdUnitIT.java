package io.varta.watch.it;

import io.varta.watch.testsupport.NotifyListener;
import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.Sender;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * packaging/systemd/varta-watch.service, checked as far as a machine without systemd as its init allows:
 * <ul>
 *   <li>{@code systemd-analyze verify}: every directive known and well-formed, the ExecStart executable present
 *       (verify prints problems but exits 0, so any output fails);</li>
 *   <li>{@code systemd-analyze security --offline}: systemd reads the hardening directives as meant;</li>
 *   <li>the service run as the unit confines it, emulated with the kernel's own mechanisms: every mount read-only
 *       (ProtectSystem=strict), a private /tmp (PrivateTmp=), home directories hidden (ProtectHome=), writable only
 *       its runtime and logs directories (RuntimeDirectory=, LogsDirectory=), as uid 65534 with no_new_privs and an
 *       empty capability bounding set (User=, NoNewPrivileges=, CapabilityBoundingSet=);</li>
 *   <li>the socket families a full run opens (RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6), under strace;</li>
 *   <li>MemoryDenyWriteExecute= must stay off: under the same kernel policy (PR_SET_MDWE) the JVM does not start.</li>
 * </ul>
 * Type=notify, WatchdogSec= and NotifyAccess=main are covered by SdNotifyIT and SelfWatchdogIT against a stand-in
 * notify socket. Each check is skipped with its reason where the tool or the privilege is missing.
 */
class SystemdUnitIT
{
    private static final Path REPO = Path.of(System.getProperty("varta.repo", "..")).toAbsolutePath().normalize();
    private static final Path UNIT = REPO.resolve("packaging/systemd/varta-watch.service");
    private static final String INSTALLED_LAUNCHER = "/opt/varta-watch/bin/varta-watch";

    @TempDir
    Path dir;

    private static Path tools()
    {
        return Path.of(System.getProperty("varta.native.tools", "target/native-build/tools")).toAbsolutePath();
    }

    private static void assumeExecutable(final String path, final String why)
    {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(path)), path + " is missing: " + why);
    }

    private record Result(int status, String output)
    {
    }

    private static Result run(final List<String> command, final long seconds) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(seconds, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish:\n" + out);
        }
        return new Result(p.exitValue(), out);
    }

    /** The unit as installed, with ExecStart pointing at this checkout's launcher (verify wants it to exist). */
    private Path localUnit() throws IOException
    {
        assertTrue(Files.readString(UNIT).contains("ExecStart=" + INSTALLED_LAUNCHER + " "));
        final Path unit = dir.resolve("varta-watch.service");
        Files.writeString(unit, Files.readString(UNIT).replace(INSTALLED_LAUNCHER, ObserverProcess.launcher().toString()));
        return unit;
    }

    @Test
    void systemdAnalyzeVerifyFindsNothingToSay() throws Exception
    {
        assumeExecutable("/usr/bin/systemd-analyze", "Debian package 'systemd' (ci/test installs it)");
        final Result verify = run(List.of("/usr/bin/systemd-analyze", "verify", localUnit().toString()), 60);
        assertEquals(0, verify.status(), verify.output());
        assertEquals("", verify.output().trim(), "systemd-analyze verify reports problems only as output");
    }

    @Test
    void systemdReadsTheHardeningDirectivesAsMeant() throws Exception
    {
        assumeExecutable("/usr/bin/systemd-analyze", "Debian package 'systemd' (ci/test installs it)");
        final Result security = run(List.of("/usr/bin/systemd-analyze", "security", "--offline=true",
            localUnit().toString()), 60);
        Assumptions.assumeFalse(security.output().contains("Unknown option") || security.output().contains("unrecognized"),
            "this systemd-analyze has no offline security check (systemd < 250): " + security.output());
        final String out = security.output();
        for (final String granted : List.of("User=/DynamicUser=", "NoNewPrivileges=", "AmbientCapabilities=",
            "ProtectSystem=", "ProtectHome=", "PrivateTmp=", "CapabilityBoundingSet=~CAP_SYS_ADMIN",
            "CapabilityBoundingSet=~CAP_NET_ADMIN", "RestrictAddressFamilies=~AF_PACKET",
            "RestrictAddressFamilies=~AF_NETLINK", "RestrictAddressFamilies=~…", "LockPersonality=",
            "RestrictRealtime=", "RestrictNamespaces=~user", "ProtectKernelTunables=", "ProtectKernelModules=",
            "ProtectKernelLogs=", "ProtectControlGroups=", "ProtectHostname=", "SystemCallArchitectures=",
            "NotifyAccess="))
        {
            assertTrue(out.contains("✓ " + granted), "systemd sees " + granted + " in effect:\n" + out);
        }
        assertTrue(out.contains("✗ MemoryDenyWriteExecute="), "off on purpose (see the MDWE test):\n" + out);
        assertTrue(out.contains("Overall exposure level for varta-watch.service"), out);
    }

    @Test
    void theServiceRunsConfinedAsTheUnitConfinesIt() throws Exception
    {
        assumeExecutable("/usr/bin/unshare", "util-linux");
        assumeExecutable("/usr/bin/setpriv", "util-linux");
        Assumptions.assumeTrue(0 == run(List.of("/usr/bin/unshare", "-m", "--propagation", "private", "true"), 30)
            .status(), "no mount namespace here (needs root / CAP_SYS_ADMIN): cannot emulate ProtectSystem=strict");
        final byte[] token = new byte[32];
        new SecureRandom().nextBytes(token);
        final String script = """
            set -euo pipefail
            # ProtectSystem=strict: every writable mount read-only (in this private namespace only), but the API
            # file systems; mounts that are read-only already are left alone
            awk '$6 !~ /(^|,)ro(,|$)/ {print $5}' /proc/self/mountinfo | sort -u | while read -r mp; do
              case "$mp" in /proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
              mount -o bind,remount,ro "$mp" 2>/dev/null || echo "note: could not make $mp read-only" >&2
            done
            # PrivateTmp=yes: a fresh /tmp. The checkout (maybe under /tmp or a home directory, which are about to
            # be hidden) is installed read-only into it first, as the unit's /opt/varta-watch would be.
            mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$PRIVATE_TMP"
            mkdir "$PRIVATE_TMP/varta-watch"
            mount --bind "$REPO" "$PRIVATE_TMP/varta-watch"
            mount -o bind,remount,ro "$PRIVATE_TMP/varta-watch"
            mount -n --move "$PRIVATE_TMP" /tmp
            opt=/tmp/varta-watch
            for h in /home /root /run/user; do                                    # ProtectHome=yes
              if [ -d "$h" ]; then mount -t tmpfs -o mode=000 tmpfs "$h"; fi
            done
            mkdir -m 0700 /tmp/run /tmp/log                                        # RuntimeDirectory=, LogsDirectory=
            printf '%s\\n' "$TOKEN" > /tmp/run/prom.token
            chmod 600 /tmp/run/prom.token
            chown 65534:65534 /tmp/run /tmp/log /tmp/run/prom.token
            # User=, NoNewPrivileges=yes, CapabilityBoundingSet= (empty), AmbientCapabilities= (empty)
            as_service() { setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs --inh-caps=-all \\
              --bounding-set=-all env HOME=/nonexistent "$@"; }
            as_service "$opt/$LAUNCHER" --socket /tmp/run/varta.sock --threshold-ms 200 \\
              --export-file /tmp/log/events.tsv --heartbeat-file /tmp/run/heartbeat \\
              --prom-addr 127.0.0.1:0 --prom-token-file /tmp/run/prom.token --shutdown-after-secs 4 \\
              >/tmp/run/stdout 2>/tmp/run/stderr &
            observer=$!
            for _ in $(seq 400); do [ -S /tmp/run/varta.sock ] && break; sleep 0.05; done
            as_service "$opt/$TOOLS/varta-send" /tmp/run/varta.sock beat:ok:1 sleep:100 beat:ok:2
            status=0; wait "$observer" || status=$?
            echo "exit=$status"
            echo "stdout=$(cat /tmp/run/stdout)"
            echo "heartbeat=$(cat /tmp/run/heartbeat 2>/dev/null)"
            echo "export:"; cat /tmp/log/events.tsv
            echo "stderr:"; cat /tmp/run/stderr
            echo "probe:$(touch /etc/varta-probe 2>&1 || true)"
            echo "checkout:$(touch "$opt/varta-probe" 2>&1 || true)"
            """;
        final ProcessBuilder builder = new ProcessBuilder("/usr/bin/unshare", "-m", "--propagation", "private",
            "/bin/bash", "-c", script).redirectErrorStream(true);
        builder.environment().put("TOKEN", HexFormat.of().formatHex(token));
        final Path privateTmp = Files.createDirectory(dir.resolve("private-tmp"));
        builder.environment().put("PRIVATE_TMP", privateTmp.toString());
        builder.environment().put("REPO", REPO.toString());
        builder.environment().put("LAUNCHER", REPO.relativize(ObserverProcess.launcher()).toString());
        builder.environment().put("TOOLS", REPO.relativize(tools()).toString());
        builder.environment().put("JAVA_OPTS", "-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        final Process p = builder.start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("exit=0\n"), out);
        assertTrue(out.matches("(?s).*\\nstdout=127\\.0\\.0\\.1:\\d+\\n.*"), "bound /metrics: " + out);
        assertTrue(out.matches("(?s).*\\nheartbeat=\\d+ \\d+\\n.*"), "wrote its heartbeat file: " + out);
        assertTrue(out.contains("\tbeat\t") && out.contains("\tstall\t"), "wrote its export file: " + out);
        assertTrue(out.contains("ingest: datagrams=2 "), "received both beats: " + out);
        assertTrue(out.contains("probe:touch: cannot touch '/etc/varta-probe': Read-only file system"),
            "the emulation really was read-only: " + out);
        assertTrue(out.contains("checkout:touch: cannot touch '/tmp/varta-watch/varta-probe': Read-only file system"),
            "the installed checkout too: " + out);
    }

    @Test
    void aFullRunOpensOnlyTheSocketFamiliesTheUnitAllows() throws Exception
    {
        assumeExecutable("/usr/bin/strace", "Debian package 'strace' (ci/test installs it)");
        final Path trace = dir.resolve("strace.out");
        final Path socket = dir.resolve("obs.sock");
        final Path token = dir.resolve("prom.token");
        final byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        Files.writeString(token, HexFormat.of().formatHex(bytes) + "\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (NotifyListener listener = NotifyListener.bind(dir.resolve("notify").toString());
             ObserverProcess observer = ObserverProcess.startWithEnvironment(dir,
                 List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=socket", "-o", trace.toString()),
                 java.util.Map.of("NOTIFY_SOCKET", listener.address(), "WATCHDOG_USEC", "1000000"),
                 "--socket", socket.toString(), "--threshold-ms", "100", "--prom-addr", "127.0.0.1:0",
                 "--prom-token-file", token.toString(), "--shutdown-after-secs", "4"))
        {
            observer.awaitSocket(socket);
            Sender.send(socket, "beat:ok:1");
            assertTrue(observer.process().waitFor(60, TimeUnit.SECONDS), "no exit");
            assertEquals(0, observer.exitCode(), observer.stderr());
            assertTrue(listener.messages().stream().anyMatch(m -> m.text().equals("READY=1\n")), "notified");
        }
        final Set<String> families = new TreeSet<>();
        final Matcher m = Pattern.compile("socket\\((AF_[A-Z0-9]+|\\d+),").matcher(Files.readString(trace));
        while (m.find())
        {
            families.add(m.group(1));
        }
        System.out.println("systemd unit: socket families opened by a full run: " + families);
        assertTrue(families.containsAll(Set.of("AF_UNIX", "AF_INET")), "the trace saw the sockets: " + families);
        assertTrue(Set.of("AF_UNIX", "AF_INET", "AF_INET6").containsAll(families),
            "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 would refuse: " + families);
    }

    @Test
    void theJvmDoesNotStartUnderMemoryDenyWriteExecute() throws Exception
    {
        final String withMdwe = tools().resolve("with-mdwe").toString();
        final Result control = run(List.of(withMdwe, "/bin/true"), 30);
        Assumptions.assumeFalse(3 == control.status(), "this kernel has no PR_SET_MDWE (Linux 6.3+): " + control.output());
        assertEquals(0, control.status(), "a program that never maps W+X memory runs: " + control.output());
        final Result observer = run(List.of(withMdwe, ObserverProcess.launcher().toString(), "--help"), 60);
        assertNotEquals(0, observer.status(), "the JVM started under MDWE: " + observer.output());
        assertTrue(observer.output().contains("Failed to mark memory page as executable"), observer.output());
        assertFalse(observer.output().contains("--threshold-ms"), "no help was printed: " + observer.output());
    }
}
