package io.varta.watch.cli;

import io.varta.watch.nativeio.PathBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UDP flags: values, defaults, and the reference's cross-flag checks H2 and H4 (the reference's feature list §1.3). */
class UdpFlagsTest
{
    private static final String[] BASE = {"--socket", "/run/varta.sock", "--threshold-ms", "500"};

    private static Options parseOk(final String... extra) throws UsageException
    {
        final List<String> all = new ArrayList<>(Arrays.asList(BASE));
        all.addAll(Arrays.asList(extra));
        return CommandLineParser.parse(all.toArray(new String[0])).orElseThrow();
    }

    private static String error(final String... extra)
    {
        final List<String> all = new ArrayList<>(Arrays.asList(BASE));
        all.addAll(Arrays.asList(extra));
        final UsageException e = assertThrows(UsageException.class,
            () -> CommandLineParser.parse(all.toArray(new String[0])));
        assertEquals(2, e.exitCode());
        return e.getMessage();
    }

    @Test
    void udpIsOffByDefault() throws Exception
    {
        final Options o = parseOk();
        assertTrue(o.udpPort().isEmpty());
        assertTrue(o.udpBindAddr().isEmpty());
        assertFalse(o.hasKeyFile());
        assertFalse(o.acceptPlaintextUdp() || o.acceptSecureUdpNonLoopback() || o.secureUdpAcceptRecovery()
            || o.plaintextUdpAcceptRecovery());
    }

    @Test
    void everyUdpFlagReachesTheOptions() throws Exception
    {
        final Options o = parseOk("--udp-port", "+9001", "--udp-bind-addr", "::1", "--key-file", "/k",
            "--accepted-key-file", "/a", "--master-key-file", "/m", "--i-accept-plaintext-udp",
            "--i-accept-secure-udp-non-loopback", "--secure-udp-i-accept-recovery-on-unauthenticated-transport",
            "--plaintext-udp-i-accept-recovery-on-unauthenticated-transport");
        assertEquals(9001, o.udpPort().getAsInt());
        assertEquals(InetAddress.getByName("::1"), o.udpBindAddr().orElseThrow());
        assertEquals(PathBytes.of("/k"), o.keyFile().orElseThrow());
        assertEquals(PathBytes.of("/a"), o.acceptedKeyFile().orElseThrow());
        assertEquals(PathBytes.of("/m"), o.masterKeyFile().orElseThrow());
        assertTrue(o.hasKeyFile());
        assertTrue(o.acceptPlaintextUdp() && o.acceptSecureUdpNonLoopback() && o.secureUdpAcceptRecovery()
            && o.plaintextUdpAcceptRecovery());
    }

    @Test
    void portIsAU16AndZeroAsksForAnEphemeralOne() throws Exception
    {
        assertEquals(0, parseOk("--udp-port", "0").udpPort().getAsInt());
        assertEquals(65535, parseOk("--udp-port", "65535").udpPort().getAsInt());
        assertEquals("--udp-port: not a valid unsigned integer: \"65536\"", error("--udp-port", "65536"));
        assertEquals("--udp-port: not a valid unsigned integer: \"-1\"", error("--udp-port", "-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "[::1]", "1.2.3", "01.2.3.4", "1.2.3.4:5", "256.0.0.1", "", "::g"})
    void aBadBindAddressGivesTheReferencesBadAddrText(final String raw)
    {
        assertEquals("--prom-addr: not a valid socket address: \"" + raw + "\"", error("--udp-bind-addr", raw));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "127.0.0.1", "::", "::1", "fe80::1", "::ffff:10.0.0.1"})
    void bindAddressesAreIpLiterals(final String raw) throws Exception
    {
        assertEquals(InetAddress.getByName(raw), parseOk("--udp-bind-addr", raw).udpBindAddr().orElseThrow());
    }

    @Test
    void secureUdpOffLoopbackNeedsItsAcceptFlag() throws Exception
    {
        assertEquals(CommandLineParser.secureUdpRequiresLoopbackBind("0.0.0.0"),
            error("--udp-port", "9001", "--key-file", "/k", "--udp-bind-addr", "0.0.0.0"));
        assertEquals(CommandLineParser.secureUdpRequiresLoopbackBind("fe80::1"),
            error("--master-key-file", "/k", "--udp-bind-addr", "fe80::1"));
        assertTrue(error("--accepted-key-file", "/k", "--udp-bind-addr", "10.0.0.1")
            .contains("--i-accept-secure-udp-non-loopback"));
        assertTrue(CommandLineParser.secureUdpRequiresLoopbackBind("0.0.0.0").contains("1024-sender replay table"));
        assertDoesNotThrow(() -> parseOk("--udp-port", "9001", "--key-file", "/k", "--udp-bind-addr", "0.0.0.0",
            "--i-accept-secure-udp-non-loopback"));
        assertDoesNotThrow(() -> parseOk("--key-file", "/k", "--udp-bind-addr", "127.0.0.2"));
        assertDoesNotThrow(() -> parseOk("--key-file", "/k", "--udp-bind-addr", "::1"));
        assertDoesNotThrow(() -> parseOk("--udp-port", "9001", "--i-accept-plaintext-udp", "--udp-bind-addr",
            "0.0.0.0"), "plaintext UDP has no loopback rule");
    }

    private static Options.Builder recoveryOverUdp(final Integer port)
    {
        final Options.Builder b = new Options.Builder();
        b.socket = PathBytes.of("/s");
        b.thresholdMs = 500L;
        b.recoveryExec = "/bin/true";
        b.udpPort = port;
        return b;
    }

    private static String h2Error(final Options.Builder b)
    {
        return assertThrows(UsageException.class, () -> CommandLineParser.validateUdp(b)).getMessage();
    }

    /** H2 on the builder: --recovery-exec is not parsed by this build yet, so its field is set directly. */
    @Test
    void recoveryWithUdpNeedsTheAcceptFlagOfTheListenerThatRuns() throws Exception
    {
        assertEquals(CommandLineParser.recoveryRequiresAuthenticatedTransport("0.0.0.0:9001"),
            h2Error(recoveryOverUdp(9001)), "no listener can run: the error names the default 0.0.0.0");

        final Options.Builder plaintext = recoveryOverUdp(9001);
        plaintext.acceptPlaintextUdp = true;
        assertEquals(CommandLineParser.recoveryRequiresAuthenticatedTransport("0.0.0.0:9001"), h2Error(plaintext));
        plaintext.secureUdpAcceptRecovery = true;
        assertEquals(CommandLineParser.recoveryRequiresAuthenticatedTransport("0.0.0.0:9001"), h2Error(plaintext),
            "the secure listener's flag does not cover the plaintext one");
        plaintext.plaintextUdpAcceptRecovery = true;
        CommandLineParser.validateUdp(plaintext);

        final Options.Builder secure = recoveryOverUdp(9001);
        secure.keyFile = PathBytes.of("/k");
        secure.udpBindAddr = InetAddress.getByName("::1");
        secure.plaintextUdpAcceptRecovery = true;
        assertEquals(CommandLineParser.recoveryRequiresAuthenticatedTransport("::1:9001"), h2Error(secure),
            "with a key the secure listener runs; the IP is the one given");
        secure.secureUdpAcceptRecovery = true;
        CommandLineParser.validateUdp(secure);

        final Options.Builder file = recoveryOverUdp(9001);
        file.recoveryExec = null;
        file.recoveryExecFile = PathBytes.of("/etc/varta/recover");
        assertTrue(h2Error(file).contains("--plaintext-udp-i-accept-recovery-on-unauthenticated-transport"));
        assertTrue(h2Error(file).contains("--secure-udp-i-accept-recovery-on-unauthenticated-transport"));
        CommandLineParser.validateUdp(recoveryOverUdp(null)); // no --udp-port: nothing to check
    }
}
