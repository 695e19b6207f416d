package io.varta.watch.it;

import io.varta.watch.testsupport.ObserverProcess;
import io.varta.watch.testsupport.UdpSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every start-up path of the UDP listeners against {@code bin/varta-watch}: which listener starts, the reference's
 * usage errors (exit 2: H2, H4, a bad address or port) and start-up errors (exit 1: no opt-in, key files, a taken
 * port, a missing libcrypto) with their texts.
 */
class UdpStartupIT
{
    @TempDir
    Path dir;

    private ObserverProcess run(final String... extra) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--shutdown-after-secs", "0"));
        args.addAll(List.of(extra));
        return ObserverProcess.run(dir, args.toArray(String[]::new));
    }

    private Path key(final String name, final String content, final String mode) throws Exception
    {
        return UdpSender.keyFile(dir, name, content, mode);
    }

    private Path goodKey() throws Exception
    {
        return key("good.key", UdpSender.randomKey() + "\n", "rw-------");
    }

    private static void assertFails(final ObserverProcess p, final int code, final String text) throws Exception
    {
        assertEquals(code, p.exitCode(), p.stderr());
        assertTrue(p.stderr().contains(text), "stderr lacks [" + text + "]: " + p.stderr());
    }

    @Test
    void udpPortWithoutKeyOrPlaintextOptInFailsNamingTheFlag() throws Exception
    {
        assertFails(run("--udp-port", "0"), 1, "--udp-port 0: no AEAD key is configured (--key-file,"
            + " --accepted-key-file or --master-key-file) and --i-accept-plaintext-udp is not set");
    }

    @Test
    void plaintextOptInStartsAndWarns() throws Exception
    {
        final ObserverProcess p = run("--udp-port", "0", "--i-accept-plaintext-udp");
        assertEquals(0, p.exitCode(), p.stderr());
        assertTrue(p.stderr().contains("WITHOUT authentication"), p.stderr());
        assertTrue(p.stderr().contains("udp listener bound to 0.0.0.0:"), p.stderr());
    }

    @Test
    void keyFileStartsSecureUdpOnLoopback() throws Exception
    {
        final ObserverProcess p = run("--udp-port", "0", "--key-file", goodKey().toString());
        assertEquals(0, p.exitCode(), p.stderr());
        assertTrue(p.stderr().contains("udp listener bound to 127.0.0.1:"), p.stderr());
        assertFalse(p.stderr().contains("non-loopback"), p.stderr());
        assertFalse(p.stderr().contains("WITHOUT authentication"), p.stderr());
    }

    @Test
    void acceptedKeyFileAloneConfiguresSecureUdp() throws Exception
    {
        final Path accepted = key("accepted.keys", UdpSender.randomKey() + "\n" + UdpSender.randomKey() + "\n",
            "rw-------");
        final ObserverProcess p = run("--udp-port", "0", "--accepted-key-file", accepted.toString());
        assertEquals(0, p.exitCode(), p.stderr());
        assertTrue(p.stderr().contains("(secure: 2 shared keys)"), p.stderr());
        assertFalse(p.stderr().contains("WITHOUT authentication"), p.stderr());
    }

    @Test
    void secureUdpOffLoopbackNeedsItsOptIn() throws Exception
    {
        final Path k = goodKey();
        final ObserverProcess refused = run("--udp-port", "0", "--key-file", k.toString(), "--udp-bind-addr", "0.0.0.0");
        assertFails(refused, 2, "--udp-bind-addr 0.0.0.0 is not a loopback address: the secure UDP listener binds"
            + " loopback unless --i-accept-secure-udp-non-loopback is given");
        assertTrue(refused.stderr().contains("1024-sender replay table"), refused.stderr());
        final ObserverProcess accepted = run("--udp-port", "0", "--key-file", k.toString(), "--udp-bind-addr",
            "0.0.0.0", "--i-accept-secure-udp-non-loopback");
        assertEquals(0, accepted.exitCode(), accepted.stderr());
        assertTrue(accepted.stderr().contains("non-loopback"), accepted.stderr());
    }

    @Test
    void badAddressAndPortAreUsageErrors() throws Exception
    {
        assertFails(run("--udp-port", "0", "--i-accept-plaintext-udp", "--udp-bind-addr", "localhost"), 2,
            "--prom-addr: not a valid socket address: \"localhost\"");
        assertFails(run("--udp-port", "0", "--i-accept-plaintext-udp", "--udp-bind-addr", "127.0.0.1:9001"), 2,
            "not a valid socket address");
        assertFails(run("--udp-port", "65536", "--i-accept-plaintext-udp"), 2,
            "--udp-port: not a valid unsigned integer: \"65536\"");
    }

    @Test
    void keyFilesBreakingARuleOrHoldingNoValidKeyStopTheStart() throws Exception
    {
        final String k = UdpSender.randomKey();
        final Path open = key("open.key", k + "\n", "rw-r--r--");
        assertFails(run("--udp-port", "0", "--key-file", open.toString()), 1,
            open + ": insecure permissions 644 (must be 0600 or stricter)");
        final Path link = dir.resolve("link.key");
        Files.createSymbolicLink(link, goodKey());
        assertFails(run("--udp-port", "0", "--key-file", link.toString()), 1, link + ": must not be a symlink");
        assertFails(run("--udp-port", "0", "--key-file", dir.toString()), 1, dir + ": must be a regular file");
        final Path missing = dir.resolve("missing.key");
        assertFails(run("--udp-port", "0", "--key-file", missing.toString()), 1,
            missing + ": No such file or directory");
        final Path shortKey = key("short.key", "# key\n" + k.substring(1) + "\n", "rw-------");
        assertFails(run("--udp-port", "0", "--key-file", shortKey.toString()), 1,
            shortKey + ": line 2: invalid key length 63 (expected 64 hex characters)");
        final Path badChar = key("bad.key", "zz" + k.substring(2) + "\n", "rw-------");
        assertFails(run("--udp-port", "0", "--master-key-file", badChar.toString()), 1,
            badChar + ": line 1: invalid hex character at column 1");
        final Path two = key("two.key", k + "\n" + k + "\n", "rw-------");
        assertFails(run("--udp-port", "0", "--key-file", two.toString()), 1, two + ": expected exactly one key, found 2");
        assertFails(run("--udp-port", "0", "--master-key-file", two.toString()), 1,
            two + ": expected exactly one key, found 2");
        final Path empty = key("empty.key", "# nothing yet\n\n", "rw-------");
        assertFails(run("--udp-port", "0", "--accepted-key-file", empty.toString()), 1, empty + ": no key found");
        assertFalse(Files.exists(dir.resolve("obs.sock")), "keys are read before anything is bound");
    }

    @Test
    void aTakenPortStopsTheStart() throws Exception
    {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getByName("127.0.0.1")))
        {
            final ObserverProcess p = run("--udp-port", Integer.toString(taken.getLocalPort()), "--key-file",
                goodKey().toString());
            assertFails(p, 1, "cannot bind secure UDP listener at 127.0.0.1:" + taken.getLocalPort()
                + ": Address already in use");
        }
    }

    @Test
    void aMissingLibcryptoIsNamed() throws Exception
    {
        final List<String> args = new ArrayList<>(List.of("--socket", dir.resolve("obs.sock").toString(),
            "--threshold-ms", "100", "--shutdown-after-secs", "0", "--udp-port", "0", "--key-file",
            goodKey().toString()));
        final ObserverProcess p = ObserverProcess.startWithJavaOptions(dir, "-Dvarta.libcrypto=libcrypto.so.99",
            args.toArray(String[]::new));
        p.process().waitFor();
        assertFails(p, 1, "cannot load libcrypto.so.99 (OpenSSL 3), needed for secure UDP");
        assertTrue(p.stderr().contains("libcrypto.so.99: cannot open shared object file"), p.stderr());
    }

    /** H2: a recovery command with a UDP listener needs that listener's accept flag. */
    @Test
    void recoveryOverUdpNeedsTheListenersAcceptFlag() throws Exception
    {
        assertFails(run("--udp-port", "9001", "--i-accept-plaintext-udp", "--recovery-exec", "/bin/true"), 2,
            "the UDP listener at 0.0.0.0:9001 cannot attest which process sent a beat");
        assertFails(run("--udp-port", "9001", "--i-accept-plaintext-udp", "--recovery-exec", "/bin/true"), 2,
            "--plaintext-udp-i-accept-recovery-on-unauthenticated-transport");
        final Path k = goodKey();
        assertFails(run("--udp-port", "9001", "--key-file", k.toString(), "--recovery-exec", "/bin/true",
            "--plaintext-udp-i-accept-recovery-on-unauthenticated-transport"), 2,
            "--secure-udp-i-accept-recovery-on-unauthenticated-transport");
        assertFails(run("--udp-port", "9001", "--recovery-exec", "/bin/true"), 2, "0.0.0.0:9001");
        final ObserverProcess plaintext = run("--udp-port", "0", "--i-accept-plaintext-udp", "--recovery-exec",
            "/bin/true", "--plaintext-udp-i-accept-recovery-on-unauthenticated-transport");
        assertEquals(0, plaintext.exitCode(), plaintext.stderr());
        assertTrue(plaintext.stderr().contains("NOT for safety-critical use"), plaintext.stderr());
        final ObserverProcess secure = run("--udp-port", "0", "--key-file", k.toString(), "--recovery-exec",
            "/bin/true", "--secure-udp-i-accept-recovery-on-unauthenticated-transport");
        assertEquals(0, secure.exitCode(), secure.stderr());
    }
}
