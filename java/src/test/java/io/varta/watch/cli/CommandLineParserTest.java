package io.varta.watch.cli;

import io.varta.watch.nativeio.PathBytes;
import io.varta.watch.tracker.EvictionPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.varta.watch.log.LogFormat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineParserTest
{
    private static final String[] BASE = {"--socket", "/run/varta.sock", "--threshold-ms", "500"};

    private static String[] withBase(final String... extra)
    {
        final List<String> all = new ArrayList<>(Arrays.asList(BASE));
        all.addAll(Arrays.asList(extra));
        return all.toArray(new String[0]);
    }

    private static Options parseOk(final String... args) throws UsageException
    {
        return CommandLineParser.parse(args).orElseThrow();
    }

    private static String error(final String... args)
    {
        final UsageException e = assertThrows(UsageException.class, () -> CommandLineParser.parse(args));
        assertEquals(2, e.exitCode());
        return e.getMessage();
    }

    @Test
    void defaultsMatchTheReference() throws UsageException
    {
        final Options o = parseOk(BASE);
        assertEquals(PathBytes.of("/run/varta.sock"), o.socket());
        assertEquals(500, o.thresholdMs());
        assertEquals(0600, o.socketMode());
        assertEquals(100, o.readTimeoutMs());
        assertEquals(1_048_576, o.udsRcvbufBytes());
        assertTrue(o.exportFile().isEmpty());
        assertEquals(OptionalLong.empty(), o.exportFileMaxBytes());
        assertEquals(0, o.exportFileSyncEvery());
        assertEquals(100, o.maxBeatRate());
        assertEquals(5000, o.globalBeatRate());
        assertEquals(10000, o.globalBeatBurst());
        assertEquals(256, o.trackerCapacity());
        assertEquals(256, o.evictionScanWindow());
        assertEquals(EvictionPolicy.STRICT, o.trackerEvictionPolicy());
        assertEquals(ClockSource.MONOTONIC, o.clockSource());
        assertEquals(250, o.iterationBudgetMs());
        assertFalse(o.allowCrossNamespaceAgents());
        assertFalse(o.strictNamespaceCheck());
        assertEquals(OptionalLong.empty(), o.shutdownAfterSecs());
        assertEquals(5000, o.shutdownGraceMs());
        assertEquals(SignalHandlerMode.DIRECT, o.signalHandlerMode());
        assertEquals(LogFormat.TEXT, o.logFormat());
    }

    @Test
    void everySupportedFlagReachesOptions() throws UsageException
    {
        final Options o = parseOk(withBase(
            "--socket-mode", "0o640", "--read-timeout-ms", "1000", "--uds-rcvbuf-bytes", "0",
            "--export-file", "/tmp/e.tsv", "--export-file-max-bytes", "4096", "--export-file-sync-every", "3",
            "--max-beat-rate", "0", "--global-beat-rate", "1", "--global-beat-burst", "4294967295",
            "--tracker-capacity", "4194304", "--eviction-scan-window", "1",
            "--tracker-eviction-policy", "balanced", "--clock-source", "boottime",
            "--iteration-budget-ms", "60000", "--allow-cross-namespace-agents", "--strict-namespace-check",
            "--shutdown-after-secs", "0", "--shutdown-grace-ms", "100", "--signal-handler-mode", "libc",
            "--log-format", "json"));
        assertEquals(0640, o.socketMode());
        assertEquals(1000, o.readTimeoutMs());
        assertEquals(0, o.udsRcvbufBytes());
        assertEquals(PathBytes.of("/tmp/e.tsv"), o.exportFile().orElseThrow());
        assertEquals(OptionalLong.of(4096), o.exportFileMaxBytes());
        assertEquals(3, o.exportFileSyncEvery());
        assertEquals(0, o.maxBeatRate());
        assertEquals(1, o.globalBeatRate());
        assertEquals(4_294_967_295L, o.globalBeatBurst());
        assertEquals(4_194_304, o.trackerCapacity());
        assertEquals(1, o.evictionScanWindow());
        assertEquals(EvictionPolicy.BALANCED, o.trackerEvictionPolicy());
        assertEquals(ClockSource.BOOTTIME, o.clockSource());
        assertEquals(60000, o.iterationBudgetMs());
        assertTrue(o.allowCrossNamespaceAgents());
        assertTrue(o.strictNamespaceCheck());
        assertEquals(OptionalLong.of(0), o.shutdownAfterSecs());
        assertEquals(100, o.shutdownGraceMs());
        assertEquals(SignalHandlerMode.LIBC, o.signalHandlerMode());
        assertEquals(LogFormat.JSON, o.logFormat());
    }

    @Test
    void lastOccurrenceWins() throws UsageException
    {
        final Options o = parseOk(withBase("--threshold-ms", "20", "--socket", "/b", "--log-format", "json",
            "--log-format", "text"));
        assertEquals(20, o.thresholdMs());
        assertEquals(PathBytes.of("/b"), o.socket());
        assertEquals(LogFormat.TEXT, o.logFormat());
    }

    @Test
    void valueIsAlwaysTheNextTokenEvenIfItLooksLikeAFlag() throws UsageException
    {
        final Options o = parseOk("--socket", "--help", "--threshold-ms", "10");
        assertEquals(PathBytes.of("--help"), o.socket());
    }

    @Test
    void equalsFormIsAnUnknownFlag()
    {
        assertEquals("unknown flag --threshold-ms=100", error("--socket", "/s", "--threshold-ms=100"));
    }

    @Test
    void positionalArgumentIsAnUnknownFlag()
    {
        assertEquals("unknown flag extra", error(withBase("extra")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "-V", "--SOCKET", "-s", "--inject-wedge-ms"})
    void tokensOutsideTheReferenceSurfaceAreUnknownFlags(final String token)
    {
        assertEquals("unknown flag " + token, error(withBase(token)));
    }

    @Test
    void missingSocketIsReported()
    {
        assertEquals("missing required flag --socket", error("--threshold-ms", "100"));
    }

    @Test
    void missingThresholdIsReported()
    {
        assertEquals("missing required flag --threshold-ms", error("--socket", "/s"));
    }

    @Test
    void socketIsCheckedBeforeThreshold()
    {
        assertEquals("missing required flag --socket", error());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--socket", "--threshold-ms", "--socket-mode", "--read-timeout-ms",
        "--uds-rcvbuf-bytes", "--export-file", "--export-file-max-bytes", "--export-file-sync-every",
        "--max-beat-rate", "--global-beat-rate", "--global-beat-burst", "--tracker-capacity",
        "--eviction-scan-window", "--tracker-eviction-policy", "--clock-source", "--iteration-budget-ms",
        "--shutdown-after-secs", "--shutdown-grace-ms", "--signal-handler-mode", "--log-format"})
    void flagAtTheEndWithoutValueRequiresAValue(final String flag)
    {
        assertEquals(flag + " requires a value", error(withBase(flag)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--threshold-ms|abc|\"abc\"",
        "--threshold-ms|-5|\"-5\"",
        "--threshold-ms|' 5'|\" 5\"",
        "--threshold-ms|1_000|\"1_000\"",
        "--threshold-ms|0x10|\"0x10\"",
        "--threshold-ms|+|\"+\"",
        "--threshold-ms|''|\"\"",
        "--threshold-ms|18446744073709551616|\"18446744073709551616\"",
        "--max-beat-rate|4294967296|\"4294967296\"",
        "--uds-rcvbuf-bytes|4294967296|\"4294967296\"",
        "--global-beat-rate|1.5|\"1.5\"",
        "--tracker-capacity|٣|\"٣\"",
        "--shutdown-after-secs|1e3|\"1e3\"",
    })
    void badIntegersAreReportedWithTheRawValueQuoted(final String flag, final String raw, final String quoted)
    {
        assertEquals(flag + ": not a valid unsigned integer: " + quoted, error(withBase(flag, raw)));
    }

    @Test
    void rawValueIsQuotedLikeRustDebug()
    {
        assertEquals("--threshold-ms: not a valid unsigned integer: \"a\\\"b\\\\c\\td\\ne\\u{1}\"",
            error("--threshold-ms", "a\"b\\c\td\ne\u0001"));
    }

    @Test
    void leadingPlusIsAcceptedLikeRust() throws UsageException
    {
        assertEquals(25, parseOk("--socket", "/s", "--threshold-ms", "+25").thresholdMs());
        assertEquals(7, parseOk(withBase("--max-beat-rate", "+0007")).maxBeatRate());
    }

    @Test
    void u64MaximumIsAcceptedAndSaturates() throws UsageException
    {
        assertEquals(Long.MAX_VALUE,
            parseOk("--socket", "/s", "--threshold-ms", "18446744073709551615").thresholdMs());
    }

    @ParameterizedTest
    @CsvSource({"600,384", "0600,384", "0o600,384", "0O600,384", "+600,384", "0,0", "7777,4095", "0o0,0"})
    void socketModeAcceptsOctalForms(final String raw, final int expected) throws UsageException
    {
        assertEquals(expected, parseOk(withBase("--socket-mode", raw)).socketMode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0o", "0O", "800", "6a0", "0x600", "-600", "0o-600", "40000000000", " 600"})
    void socketModeRejectsNonOctal(final String raw)
    {
        assertEquals("--socket-mode: expected octal digits (e.g. 600, 0600, or 0o600), got: "
            + RustSyntax.debugQuote(raw), error(withBase("--socket-mode", raw)));
    }

    @ParameterizedTest
    @CsvSource({"--tracker-eviction-policy,Strict", "--tracker-eviction-policy,lru", "--clock-source,realtime",
        "--clock-source,MONOTONIC", "--signal-handler-mode,signalfd", "--log-format,JSON", "--log-format,''"})
    void unknownWordsAreInvalidValues(final String flag, final String raw)
    {
        assertEquals(flag + ": invalid value " + RustSyntax.debugQuote(raw), error(withBase(flag, raw)));
    }

    @Test
    void thresholdBelowTenIsRejected()
    {
        assertEquals("--threshold-ms: 9 is below the minimum allowed value (10 ms)",
            error("--socket", "/s", "--threshold-ms", "9"));
    }

    @Test
    void thresholdOfTenIsAccepted() throws UsageException
    {
        assertEquals(10, parseOk("--socket", "/s", "--threshold-ms", "10").thresholdMs());
    }

    @Test
    void shutdownGraceBelowOneHundredIsRejected()
    {
        assertEquals("--shutdown-grace-ms: 99 is below the minimum allowed value (100 ms)",
            error(withBase("--shutdown-grace-ms", "99")));
    }

    @Test
    void exportFileMaxBytesBelowFloorIsRejectedAtTheToken()
    {
        final String message = error("--export-file-max-bytes", "4095");
        assertTrue(message.startsWith("--export-file-max-bytes: 4095 is below the minimum 4096 bytes"), message);
    }

    @Test
    void exportFileSyncEveryAboveU32IsAnInvalidValue() throws UsageException
    {
        assertEquals("--export-file-sync-every: invalid value \"4294967296\"",
            error(withBase("--export-file-sync-every", "4294967296")));
        assertEquals(4_294_967_295L,
            parseOk(withBase("--export-file-sync-every", "4294967295")).exportFileSyncEvery());
    }

    @Test
    void trackerCapacityEdges() throws UsageException
    {
        assertEquals(4_194_304, parseOk(withBase("--tracker-capacity", "4194304")).trackerCapacity());
        assertEquals(1, parseOk(withBase("--tracker-capacity", "1")).trackerCapacity());
        assertEquals("--tracker-capacity: 4194305 is outside the accepted range [1, 4194304]",
            error(withBase("--tracker-capacity", "4194305")));
        assertEquals("--tracker-capacity: 0 is outside the accepted range [1, 4194304]",
            error(withBase("--tracker-capacity", "0")));
        assertEquals("--tracker-capacity: 18446744073709551615 is outside the accepted range [1, 4194304]",
            error(withBase("--tracker-capacity", "18446744073709551615")));
    }

    @Test
    void evictionScanWindowEdges() throws UsageException
    {
        assertEquals(4_194_304, parseOk(withBase("--eviction-scan-window", "4194304")).evictionScanWindow());
        assertEquals("--eviction-scan-window: 0 is outside the accepted range [1, 4194304]",
            error(withBase("--eviction-scan-window", "0")));
    }

    @Test
    void iterationBudgetEdges() throws UsageException
    {
        assertEquals(50, parseOk(withBase("--iteration-budget-ms", "50")).iterationBudgetMs());
        assertEquals("--iteration-budget-ms: 49 is outside the accepted range [50, 60000] ms",
            error(withBase("--iteration-budget-ms", "49")));
        assertEquals("--iteration-budget-ms: 60001 is outside the accepted range [50, 60000] ms",
            error(withBase("--iteration-budget-ms", "60001")));
    }

    @Test
    void readTimeoutAboveOneSecondIsRejected()
    {
        assertEquals("--read-timeout-ms: 1001 ms exceeds the maximum 1000 ms"
            + " (must stay below the active self-watchdog budget)", error(withBase("--read-timeout-ms", "1001")));
    }

    @Test
    void readTimeoutCeilingFollowsHalfTheSelfWatchdogWhenOneIsConfigured()
    {
        assertEquals(1000, CommandLineParser.readTimeoutCeilingMs(OptionalLong.empty()));
        assertEquals(500, CommandLineParser.readTimeoutCeilingMs(OptionalLong.of(1)));
        assertEquals(1000, CommandLineParser.readTimeoutCeilingMs(OptionalLong.of(4)));
        assertEquals(1000, CommandLineParser.readTimeoutCeilingMs(OptionalLong.of(Long.MAX_VALUE)));
    }

    @Test
    void supervisionFlagsParse() throws UsageException
    {
        final Options none = parseOk(BASE);
        assertTrue(none.heartbeatFile().isEmpty());
        assertTrue(none.selfWatchdogSecs().isEmpty());
        assertTrue(none.hwWatchdog().isEmpty());
        final Options o = parseOk(withBase("--heartbeat-file", "/run/varta/hb", "--self-watchdog-secs", "+3",
            "--hw-watchdog", "/dev/watchdog0"));
        assertEquals(PathBytes.of("/run/varta/hb"), o.heartbeatFile().orElseThrow());
        assertEquals(3, o.selfWatchdogSecs().getAsLong());
        assertEquals(PathBytes.of("/dev/watchdog0"), o.hwWatchdog().orElseThrow());
        assertEquals(o.heartbeatFile(), o.supervision().heartbeatFile());
        assertEquals(Long.MAX_VALUE,
            parseOk(withBase("--self-watchdog-secs", "18446744073709551615")).selfWatchdogSecs().getAsLong());
    }

    @Test
    void selfWatchdogOfZeroIsRejected()
    {
        assertEquals("--self-watchdog-secs: 0 is below the minimum 1 s (0 would abort the observer on its first"
            + " iteration); omit the flag to run without a self-watchdog", error(withBase("--self-watchdog-secs", "0")));
        assertEquals("--self-watchdog-secs: not a valid unsigned integer: \"-1\"",
            error(withBase("--self-watchdog-secs", "-1")));
    }

    @Test
    void readTimeoutCeilingIsHalfTheSelfWatchdogDeadline() throws UsageException
    {
        assertEquals(500, parseOk(withBase("--self-watchdog-secs", "1", "--read-timeout-ms", "500")).readTimeoutMs());
        assertEquals("--read-timeout-ms: 501 ms exceeds the maximum 500 ms (must stay below the active self-watchdog"
            + " budget)", error(withBase("--self-watchdog-secs", "1", "--read-timeout-ms", "501")));
        assertEquals(1000, parseOk(withBase("--self-watchdog-secs", "18446744073709551615", "--read-timeout-ms",
            "1000")).readTimeoutMs());
    }

    @Test
    void readTimeoutOfZeroIsRejected()
    {
        final String message = error(withBase("--read-timeout-ms", "0"));
        assertTrue(message.startsWith("--read-timeout-ms: 0 is below the minimum 1 ms"), message);
    }

    @Test
    void monotonicRawIsUnsupportedOnLinux()
    {
        final String message = error(withBase("--clock-source", "monotonic-raw"));
        assertTrue(message.startsWith("--clock-source monotonic-raw is not supported on `linux`. "), message);
        assertTrue(message.endsWith(" Otherwise use `--clock-source monotonic` (the default)."), message);
    }

    @Test
    void crossFlagChecksRunInTheReferenceOrder()
    {
        // threshold before grace before ranges before clock before read timeout
        assertTrue(error("--socket", "/s", "--threshold-ms", "1", "--shutdown-grace-ms", "1")
            .startsWith("--threshold-ms"));
        assertTrue(error(withBase("--shutdown-grace-ms", "1", "--iteration-budget-ms", "1"))
            .startsWith("--shutdown-grace-ms"));
        assertTrue(error(withBase("--iteration-budget-ms", "1", "--eviction-scan-window", "0"))
            .startsWith("--iteration-budget-ms"));
        assertTrue(error(withBase("--eviction-scan-window", "0", "--tracker-capacity", "0"))
            .startsWith("--eviction-scan-window"));
        assertTrue(error(withBase("--tracker-capacity", "0", "--clock-source", "monotonic-raw"))
            .startsWith("--tracker-capacity"));
        assertTrue(error(withBase("--clock-source", "monotonic-raw", "--read-timeout-ms", "0"))
            .startsWith("--clock-source"));
    }

    @Test
    void tokenErrorsWinOverCrossFlagChecks()
    {
        assertEquals("unknown flag --nope", error("--nope"));
        assertEquals("--max-beat-rate: not a valid unsigned integer: \"x\"", error("--max-beat-rate", "x"));
    }

    @Test
    void helpAnywhereAsAFlagSkipsValidation() throws UsageException
    {
        assertTrue(CommandLineParser.parse("--help").isEmpty());
        assertTrue(CommandLineParser.parse("-h").isEmpty());
        assertTrue(CommandLineParser.parse("--threshold-ms", "1", "--help", "--bogus").isEmpty());
        assertTrue(CommandLineParser.parse("--help", "--threshold-ms").isEmpty());
    }

    @Test
    void tokenErrorBeforeHelpWinsAsInTheReferenceSinglePass()
    {
        assertEquals("unknown flag --bogus", error("--bogus", "--help"));
        assertEquals("--threshold-ms: not a valid unsigned integer: \"x\"", error("--threshold-ms", "x", "-h"));
    }

    @ParameterizedTest
    @CsvSource({
        "--recovery-cmd,--recovery-exec",
        "--recovery-cmd-file,--recovery-exec-file",
        "--i-accept-shell-risk,--recovery-exec",
        "--key-env,'--key-file (mode 0600, owned by the observer UID)'",
        "--master-key-env,'--key-file (mode 0600, owned by the observer UID)'",
        "--accepted-key-env,'--key-file (mode 0600, owned by the observer UID)'",
    })
    void removedFlagsFailWithAMigrationHint(final String flag, final String replacement)
    {
        assertEquals(flag + " has been removed for security reasons; use " + replacement,
            error(withBase(flag, "value")));
    }

    @Test
    void recoveryFlagsParseWithTheReferenceDefaults() throws UsageException
    {
        final Options d = parseOk(BASE);
        assertTrue(d.recoveryExec().isEmpty());
        assertTrue(d.recoveryExecFile().isEmpty());
        assertEquals(1000, d.recoveryDebounceMs());
        assertEquals(List.of(), d.recoveryEnv());
        assertFalse(d.recoveryInheritEnv());
        assertEquals(OptionalLong.empty(), d.recoveryTimeoutMs());
        assertFalse(d.recoveryCaptureStdio());
        assertEquals(4096, d.recoveryCaptureBytes());

        final Options o = parseOk(withBase("--recovery-exec", "/bin/true {pid}", "--recovery-debounce-ms", "0",
            "--recovery-env", "A=1", "--recovery-env", "B=", "--recovery-env", "A=2", "--recovery-inherit-env",
            "--recovery-timeout-ms", "100", "--recovery-capture-stdio", "--recovery-capture-bytes", "1048576"));
        assertEquals("/bin/true {pid}", o.recoveryExec().orElseThrow());
        assertEquals(0, o.recoveryDebounceMs());
        assertEquals(List.of("A=1", "B=", "A=2"), o.recoveryEnv(), "--recovery-env accumulates");
        assertTrue(o.recoveryInheritEnv());
        assertEquals(OptionalLong.of(100), o.recoveryTimeoutMs());
        assertTrue(o.recoveryCaptureStdio());
        assertEquals(1_048_576, o.recoveryCaptureBytes());
        assertEquals(PathBytes.of("/etc/varta/exec"), parseOk(withBase("--recovery-exec-file", "/etc/varta/exec",
            "--recovery-capture-stdio", "--recovery-capture-bytes", "1")).recoveryExecFile().orElseThrow());
    }

    @Test
    void recoveryRuntimeChecksAreLeftToStartupAsInTheReference() throws UsageException
    {
        final Options both = parseOk(withBase("--recovery-exec", "/bin/true", "--recovery-exec-file", "/f"));
        assertTrue(both.recoveryExec().isPresent() && both.recoveryExecFile().isPresent());
        assertEquals("", parseOk(withBase("--recovery-exec", "")).recoveryExec().orElseThrow());
    }

    @Test
    void recoveryUsageErrorsCarryTheReferenceShapes()
    {
        assertEquals("--recovery-timeout-ms: 99 is below the minimum allowed value (100 ms)",
            error(withBase("--recovery-timeout-ms", "99")));
        assertEquals("--recovery-capture-bytes: 0 is outside the accepted range [1, 1048576]",
            error(withBase("--recovery-exec", "x", "--recovery-capture-bytes", "0")));
        assertEquals("--recovery-capture-bytes: 1048577 is outside the accepted range [1, 1048576]",
            error(withBase("--recovery-exec", "x", "--recovery-capture-bytes", "1048577")));
        assertEquals("--recovery-capture-bytes: not a valid unsigned integer: \"4294967296\"",
            error(withBase("--recovery-capture-bytes", "4294967296")));
        assertEquals("--recovery-capture-stdio requires --recovery-exec or --recovery-exec-file",
            error(withBase("--recovery-capture-stdio")));
        assertEquals("--recovery-env: invalid value \"KEY\": expected KEY=VALUE", error(withBase("--recovery-env", "KEY")));
        assertEquals("--recovery-env: invalid value \"=v\": KEY must not be empty",
            error(withBase("--recovery-env", "=v")));
        assertEquals("--recovery-env: invalid value \"K=a\\0b\": must not contain a NUL byte",
            error(withBase("--recovery-env", "K=a\0b")));
        assertEquals("--recovery-capture-bytes: 0 is outside the accepted range [1, 1048576]",
            error(withBase("--recovery-capture-stdio", "--recovery-capture-bytes", "0")),
            "the range comes before the command check, as in the reference");
        assertEquals("--shutdown-grace-ms: 99 is below the minimum allowed value (100 ms)",
            error(withBase("--recovery-capture-stdio", "--shutdown-grace-ms", "99")), "grace first");
    }

    @Test
    void promFlagsParseWithTheReferenceDefaults() throws Exception
    {
        final Options d = parseOk(BASE);
        assertTrue(d.promAddr().isEmpty());
        assertEquals(5, d.promRateLimitPerSec());
        assertEquals(10, d.promRateLimitBurst());
        assertEquals(250, d.scrapeBudgetMs());
        final Options o = parseOk(withBase("--prom-addr", "127.0.0.1:0", "--prom-token-file", "/t",
            "--prom-rate-limit-per-sec", "1", "--prom-rate-limit-burst", "0", "--scrape-budget-ms", "50"));
        assertEquals(new java.net.InetSocketAddress("127.0.0.1", 0), o.promAddr().orElseThrow());
        assertEquals(PathBytes.of("/t"), o.promTokenFile().orElseThrow());
        assertEquals(1, o.promRateLimitPerSec());
        assertEquals(0, o.promRateLimitBurst());
        assertEquals(50, o.scrapeBudgetMs());
        assertEquals(9100, parseOk(withBase("--prom-addr", "[::1]:9100", "--prom-token-file", "/t"))
            .promAddr().orElseThrow().getPort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost:9100", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.01:1",
        "::1:9100", "[::1]", "1.2.3:4", "127.0.0.1:+1", ":9100"})
    void badPromAddressesAreRefused(final String raw)
    {
        assertEquals("--prom-addr: not a valid socket address: \"" + raw + "\"",
            error(withBase("--prom-addr", raw, "--prom-token-file", "/t")));
    }

    @Test
    void promAddressAndTokenFileRequireEachOther()
    {
        assertTrue(error(withBase("--prom-addr", "127.0.0.1:0")).contains("--prom-token-file"));
        assertEquals("--prom-token-file and (missing --prom-addr) are mutually exclusive",
            error(withBase("--prom-token-file", "/t")));
    }

    @Test
    void promPidSeriesMaxDefaultsAboveTheReferenceRangeAndAcceptsZeroToTheLargestTracker() throws Exception
    {
        assertEquals(16_384, parseOk(BASE).promPidSeriesMax());
        assertEquals(0, parseOk(withBase("--prom-pid-series-max", "0")).promPidSeriesMax());
        assertEquals(4_194_304, parseOk(withBase("--prom-pid-series-max", "+4194304")).promPidSeriesMax());
    }

    @Test
    void promPidSeriesMaxErrorsNameTheFlag()
    {
        assertEquals("--prom-pid-series-max: 4194305 is outside the accepted range [0, 4194304]",
            error(withBase("--prom-pid-series-max", "4194305")));
        assertEquals("--prom-pid-series-max: 18446744073709551615 is outside the accepted range [0, 4194304]",
            error(withBase("--prom-pid-series-max", "18446744073709551615")));
        assertEquals("--prom-pid-series-max: not a valid unsigned integer: \"-1\"",
            error(withBase("--prom-pid-series-max", "-1")));
        assertEquals("--prom-pid-series-max: not a valid unsigned integer: \"16k\"",
            error(withBase("--prom-pid-series-max", "16k")));
        assertEquals("--prom-pid-series-max requires a value", error(withBase("--prom-pid-series-max")));
    }

    @Test
    void scrapeBudgetIsRangeChecked()
    {
        assertEquals("--scrape-budget-ms: 49 is outside the accepted range [50, 60000] ms",
            error(withBase("--scrape-budget-ms", "49")));
        assertEquals("--scrape-budget-ms: 60001 is outside the accepted range [50, 60000] ms",
            error(withBase("--scrape-budget-ms", "60001")));
    }

    @Test
    void auditFlagsParseWithTheReferenceDefaults() throws UsageException
    {
        final Options d = parseOk(BASE);
        assertTrue(d.recoveryAuditFile().isEmpty());
        assertEquals(OptionalLong.empty(), d.recoveryAuditMaxBytes());
        assertEquals(1, d.recoveryAuditSyncEvery());
        assertEquals(50, d.auditFsyncBudgetMs());
        assertEquals(0, d.auditSyncIntervalMs());
        assertEquals(50, d.auditRotationBudgetMs());
        final Options o = parseOk(withBase("--recovery-audit-file", "/var/lib/varta/audit.tsv",
            "--recovery-audit-max-bytes", "4096", "--recovery-audit-sync-every", "4294967295",
            "--audit-fsync-budget-ms", "1", "--audit-sync-interval-ms", "+250", "--audit-rotation-budget-ms", "250"));
        assertEquals(PathBytes.of("/var/lib/varta/audit.tsv"), o.recoveryAuditFile().orElseThrow());
        assertEquals(OptionalLong.of(4096), o.recoveryAuditMaxBytes());
        assertEquals(4_294_967_295L, o.recoveryAuditSyncEvery());
        assertEquals(1, o.auditFsyncBudgetMs());
        assertEquals(250, o.auditSyncIntervalMs());
        assertEquals(250, o.auditRotationBudgetMs());
        assertEquals(OptionalLong.of(Long.MAX_VALUE),
            parseOk(withBase("--recovery-audit-max-bytes", "18446744073709551615")).recoveryAuditMaxBytes());
    }

    @ParameterizedTest
    @CsvSource({
        "--recovery-audit-sync-every,0", "--recovery-audit-sync-every,4294967296", "--recovery-audit-sync-every,-1",
        "--audit-fsync-budget-ms,0", "--audit-fsync-budget-ms,1.5",
        "--audit-sync-interval-ms,4294967296", "--audit-sync-interval-ms,0x10",
        "--audit-rotation-budget-ms,0", "--audit-rotation-budget-ms,' 5'",
        "--recovery-audit-max-bytes,18446744073709551616", "--recovery-audit-max-bytes,4k",
    })
    void auditValuesTheReferenceRejectsAsBadIntegers(final String flag, final String raw)
    {
        assertEquals(flag + ": not a valid unsigned integer: \"" + raw + "\"", error(withBase(flag, raw)));
    }

    @Test
    void auditMaxBytesBelowTheFloorIsRejectedAtTheToken()
    {
        assertEquals("--recovery-audit-max-bytes: 4095 is below the minimum 4096 bytes (a tiny cap rotates per record"
            + " and shreds the audit trail with no tamper signal; omit the flag to grow the audit file unbounded)",
            error(withBase("--recovery-audit-max-bytes", "4095", "--threshold-ms", "1")));
        assertEquals("--recovery-audit-max-bytes: 0 is below the minimum 4096 bytes (a tiny cap rotates per record"
            + " and shreds the audit trail with no tamper signal; omit the flag to grow the audit file unbounded)",
            error(withBase("--recovery-audit-max-bytes", "0")));
    }

    @Test
    void auditRotationBudgetAboveTheCeilingIsRejected()
    {
        assertEquals("--audit-rotation-budget-ms: 251 ms exceeds the maximum 250 ms (must stay below the 500 ms"
            + " Maintenance-stage self-watchdog abort)", error(withBase("--audit-rotation-budget-ms", "251")));
        assertEquals("--audit-rotation-budget-ms: 4294967295 ms exceeds the maximum 250 ms (must stay below the 500 ms"
            + " Maintenance-stage self-watchdog abort)", error(withBase("--audit-rotation-budget-ms", "4294967295")));
    }

    @Test
    void auditFlagsWithoutAValueRequireOne()
    {
        for (final String flag : new String[] {"--recovery-audit-file", "--recovery-audit-max-bytes",
            "--recovery-audit-sync-every", "--audit-fsync-budget-ms", "--audit-sync-interval-ms",
            "--audit-rotation-budget-ms"})
        {
            assertEquals(flag + " requires a value", error(withBase(flag)));
            assertEquals(FlagStatus.SUPPORTED, Flag.byName(flag).status());
        }
    }
}
