package org.guestcrm.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command lines of {@code ./crm lag} and {@code ./crm dlq}: defaults, and every bad input refused with a reason. */
class OpsCommandsTest {

    @TempDir
    Path dir;

    @Test
    void lagDefaultsToAShortWindowOnTheStackAndWatchesWithBurrowsWindow() {
        LagCommand.Options once = LagCommand.Options.parse(List.of(), "localhost:9092");
        assertEquals("localhost:9092", once.bootstrap());
        assertEquals(4, once.window());
        assertEquals(Duration.ofMillis(2500), once.interval());
        LagCommand.Options watch = LagCommand.Options.parse(List.of("--watch", "--bootstrap", "kafka-0:9093,kafka-1:9093",
                "--partitions"), "localhost:9092");
        assertTrue(watch.watch());
        assertTrue(watch.partitions());
        assertEquals("kafka-0:9093,kafka-1:9093", watch.bootstrap());
        assertEquals(10, watch.window());
        assertEquals(Duration.ofSeconds(5), watch.interval());
    }

    @Test
    void lagTakesOnlyTheSecuritySettingsOfAClientPropertiesFile() throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nssl.truststore.location=/t.jks\n"
                + "bootstrap.servers=ignored:1\nacks=all\n");
        LagCommand.Options options = LagCommand.Options.parse(List.of("--config", file.toString()), "localhost:9092");
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/t.jks"), options.clientSettings());
    }

    @Test
    void badLagOptionsAreRefusedWithTheReason() {
        assertTrue(refusal(() -> LagCommand.Options.parse(List.of("--window", "1"), "k:1")).contains("--window"));
        assertTrue(refusal(() -> LagCommand.Options.parse(List.of("--interval", "x"), "k:1")).contains("not a number"));
        assertTrue(refusal(() -> LagCommand.Options.parse(List.of("--bootstrap"), "k:1")).contains("needs a value"));
        assertTrue(refusal(() -> LagCommand.Options.parse(List.of("--bootstrap", "a b"), "k:1")).contains("host:port"));
        assertTrue(refusal(() -> LagCommand.Options.parse(List.of("--frobnicate"), "k:1")).contains("Unknown option"));
        assertTrue(refusal(() -> LagCommand.Options.parse(List.of("--config", dir.resolve("absent").toString()), "k:1"))
                .contains("cannot read"));
    }

    @Test
    void dlqCommandLinesAreParsedAndBadOnesRefused() {
        DlqCommand.Request list = DlqCommand.Request.parse(List.of("list"));
        assertEquals(List.of(), list.arguments());
        DlqCommand.Request filtered = DlqCommand.Request.parse(List.of("list", "pms.profiles.dlq", "--state", "PENDING"));
        assertEquals(List.of("pms.profiles.dlq"), filtered.arguments());
        assertEquals("PENDING", filtered.options().get("--state"));
        DlqCommand.Request all = DlqCommand.Request.parse(List.of("replay", "pms.profiles.dlq", "--all", "--note", "fix 1.2"));
        assertTrue(all.flags().contains("--all"));
        DlqCommand.Request one = DlqCommand.Request.parse(List.of("discard", "pms.profiles.dlq", "0", "12", "--note", "test"));
        assertEquals(List.of("pms.profiles.dlq", "0", "12"), one.arguments());

        assertTrue(refusal(() -> DlqCommand.Request.parse(List.of())).contains("usage"));
        assertTrue(refusal(() -> DlqCommand.Request.parse(List.of("purge"))).contains("Unknown dlq action"));
        assertTrue(refusal(() -> DlqCommand.Request.parse(List.of("discard", "t.dlq", "0", "1"))).contains("--note"));
        assertTrue(refusal(() -> DlqCommand.Request.parse(List.of("show", "t.dlq", "0"))).contains("wrong arguments"));
        assertTrue(refusal(() -> DlqCommand.Request.parse(List.of("show", "t.dlq", "0", "-3"))).contains("OFFSET"));
        assertTrue(refusal(() -> DlqCommand.Request.parse(List.of("replay", "t.dlq", "x", "1"))).contains("PARTITION"));
        assertTrue(refusal(() -> DlqCommand.Request.parse(List.of("list", "--limit"))).contains("needs a value"));
    }

    @Test
    void resetTakesAGroupAndATimeAsAnInstantOrAnAge() {
        java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2026-12-01T12:00:00Z"), java.time.ZoneOffset.UTC);
        ResetCommand.Options dry = ResetCommand.Options.parse(List.of("journey-service", "--to", "6h"), "localhost:9092", clock);
        assertEquals("journey-service", dry.group());
        assertEquals(java.time.Instant.parse("2026-12-01T06:00:00Z"), dry.to());
        assertTrue(!dry.execute(), "a dry run unless --execute");
        ResetCommand.Options run = ResetCommand.Options.parse(List.of("g", "--to", "2026-11-30T00:00:00Z", "--topic",
                "pms.reservations", "--execute"), "localhost:9092", clock);
        assertTrue(run.execute());
        assertEquals("pms.reservations", run.topic());
        assertTrue(refusal(() -> ResetCommand.Options.parse(List.of("g"), "k:1", clock)).contains("usage"));
        assertTrue(refusal(() -> ResetCommand.Options.parse(List.of("g", "--to", "yesterday"), "k:1", clock)).contains("an age"));
        assertTrue(refusal(() -> ResetCommand.Options.parse(List.of("g", "--to", "2027-01-01T00:00:00Z"), "k:1", clock))
                .contains("future"));
        assertTrue(refusal(() -> ResetCommand.Options.parse(List.of("g", "h", "--to", "1h"), "k:1", clock)).contains("Unexpected"));
    }

    private static String refusal(org.junit.jupiter.api.function.Executable executable) {
        return assertThrows(StackException.class, executable).getMessage();
    }
}
