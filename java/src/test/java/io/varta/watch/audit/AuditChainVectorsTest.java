package io.varta.watch.audit;

import io.varta.watch.recovery.RefusalReason;
import io.varta.watch.recovery.CompletionOutcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.varta.watch.log.Diagnostics;
import io.varta.watch.log.LogFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The project's copy of the chain vectors ({@code testdata/audit-chain-vectors.json}), recomputed and rewritten. */
class AuditChainVectorsTest
{
    @TempDir
    Path dir;

    static JsonNode vectors() throws Exception
    {
        final Path vlp = Path.of(System.getProperty("varta.vectors", "../testdata/vlp-test-vectors.json"));
        return new ObjectMapper().readTree(Files.readString(vlp.resolveSibling("audit-chain-vectors.json")));
    }

    @Test
    void everyVectorChainIsRecomputedFromItsPrevKindAndBody() throws Exception
    {
        final JsonNode root = vectors();
        assertEquals(AuditChain.DOMAIN, root.get("domain").asText());
        final AuditChain chain = new AuditChain();
        byte[] prev = AuditChain.zero();
        for (final JsonNode record : root.get("records"))
        {
            assertEquals(record.get("prev_chain_hex").asText(), AuditChain.hex(prev));
            final byte[] body = record.get("body").asText().getBytes(StandardCharsets.UTF_8);
            final RecordKind kind = RecordKind.ofLabel(record.get("kind").asText());
            final byte[] next = chain.next(prev, kind, body);
            assertEquals(record.get("chain_hex").asText(), AuditChain.hex(next), record.get("kind").asText());
            assertEquals(record.get("line").asText(), record.get("body").asText() + "\t" + AuditChain.hex(next));
            final byte[] line = record.get("line").asText().getBytes(StandardCharsets.UTF_8);
            final AuditLine parsed = AuditLine.parse(line, 0, line.length);
            assertNull(parsed.problem(), record.get("line").asText());
            assertEquals(kind, parsed.kind());
            assertEquals(body.length, parsed.bodyLength());
            prev = next;
        }
    }

    @Test
    void theLogWritesTheVectorLinesByteForByte() throws Exception
    {
        final Path file = dir.resolve("audit.tsv");
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Diagnostics log = new Diagnostics(LogFormat.TEXT, new PrintStream(err, true, StandardCharsets.UTF_8),
            () -> 0, System::nanoTime, 1_000_000_000L);
        final RecoveryAuditLog audit = RecoveryAuditLog.open(AuditConfig.of(file).daemonPid(1234)
            .clocks(System::nanoTime, () -> 1_700_000_000_000L), log);
        audit.spawn(1_700_000_000_500L, 1_500_000_000L, 4321, 4400, "/usr/local/bin/restart-agent", "inline", 38);
        audit.complete(1_700_000_000_700L, 1_700_000_000L, 4321, 4400, CompletionOutcome.REAPED, OptionalInt.of(0),
            OptionalInt.empty(), 200_000_000L, 0, 0, false);
        audit.refused(1_700_000_001_800L, 2_800_000_000L, 4321, RefusalReason.DEBOUNCED);
        audit.close();

        final List<String> expected = new ArrayList<>();
        expected.add(AuditSchema.HEADER_V2);
        for (final JsonNode record : vectors().get("records"))
        {
            expected.add(record.get("line").asText());
        }
        assertEquals(expected, Files.readAllLines(file));
        assertEquals(4, audit.lastSeq());
        assertEquals(vectors().get("records").get(3).get("chain_hex").asText(), audit.lastChainHex());
    }
}
