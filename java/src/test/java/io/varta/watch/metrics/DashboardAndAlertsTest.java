package io.varta.watch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.varta.watch.observer.DurationHistogram;
import io.varta.watch.observer.IngestCounters;
import io.varta.watch.observer.PidSnapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Grafana dashboard (packaging/grafana/varta-watch.json) is a well-formed dashboard with the panels
 * operators need, and it and the alerting rules (packaging/prometheus/varta-watch.rules.yml) only name series that
 * {@code /metrics} really exposes: a renamed family fails here, not on somebody's wall screen. (PromQL syntax and
 * the rules' behaviour are checked with promtool in PrometheusIT.)
 */
class DashboardAndAlertsTest
{
    private static final Path DASHBOARD = Path.of("../packaging/grafana/varta-watch.json");
    private static final Path RULES = Path.of("../packaging/prometheus/varta-watch.rules.yml");
    private static final Pattern METRIC = Pattern.compile("\\bvarta_[a-z0-9_]+");
    private static final Pattern TYPE = Pattern.compile("^# TYPE (\\S+) (\\S+)$", Pattern.MULTILINE);
    private static final Set<String> PANEL_TYPES = Set.of("stat", "timeseries", "gauge", "table", "row");

    /** Every series name a scrape can contain: counters and gauges by name, histograms with their suffixes. */
    private static Set<String> exposedSeries()
    {
        final VartaMetrics metrics = new VartaMetrics(new VartaMetrics.Inputs(new IngestCounters(),
            () -> new PidSnapshot(new long[] {7}, new long[] {1}, new long[] {0}, new byte[] {0}, 1, 1),
            new DurationHistogram(), 16384, () -> 0, 256, 256, 0, () -> 0, kind -> 0, () -> 2, 1, () -> 0),
            new EndpointStats(), VartaMetrics.SinkStats.NONE);
        final String body = new String(metrics.render(), StandardCharsets.UTF_8);
        final Set<String> names = new HashSet<>();
        final Matcher m = TYPE.matcher(body);
        while (m.find())
        {
            names.add(m.group(1));
            if ("histogram".equals(m.group(2)))
            {
                names.add(m.group(1) + "_bucket");
                names.add(m.group(1) + "_sum");
                names.add(m.group(1) + "_count");
            }
        }
        return names;
    }

    private static Set<String> unknownNames(final String text)
    {
        final Set<String> exposed = exposedSeries();
        final Set<String> unknown = new TreeSet<>();
        final Matcher m = METRIC.matcher(text);
        while (m.find())
        {
            if (!exposed.contains(m.group()))
            {
                unknown.add(m.group());
            }
        }
        return unknown;
    }

    @Test
    void theDashboardIsWellFormedAndHasThePanelsOperatorsNeed() throws IOException
    {
        final JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertEquals("varta-watch", dashboard.path("uid").asText());
        assertFalse(dashboard.path("title").asText().isEmpty());
        assertTrue(dashboard.path("schemaVersion").asInt() >= 30, "a current dashboard schema");
        final List<String> variables = new ArrayList<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertEquals(List.of("datasource", "instance"), variables);
        assertEquals("datasource", dashboard.path("templating").path("list").get(0).path("type").asText());

        final Set<Integer> ids = new HashSet<>();
        final Set<String> titles = new HashSet<>();
        final boolean[][] grid = new boolean[200][24];
        for (final JsonNode panel : dashboard.path("panels"))
        {
            final String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "unique panel id: " + title);
            assertTrue(titles.add(title), "unique panel title: " + title);
            assertTrue(PANEL_TYPES.contains(panel.path("type").asText()), title + ": panel type");
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), title + ": datasource variable");
            final JsonNode pos = panel.path("gridPos");
            final int x = pos.path("x").asInt(-1);
            final int y = pos.path("y").asInt(-1);
            final int w = pos.path("w").asInt(0);
            final int h = pos.path("h").asInt(0);
            assertTrue(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 24 && y + h <= grid.length, title + ": gridPos");
            for (int row = y; row < y + h; row++)
            {
                for (int col = x; col < x + w; col++)
                {
                    assertFalse(grid[row][col], title + " overlaps another panel at " + col + "," + row);
                    grid[row][col] = true;
                }
            }
            final Set<String> refIds = new HashSet<>();
            assertTrue(panel.path("targets").size() > 0, title + ": at least one query");
            for (final JsonNode target : panel.path("targets"))
            {
                assertTrue(refIds.add(target.path("refId").asText()), title + ": unique refId");
                final String expr = target.path("expr").asText();
                assertTrue(expr.contains("$instance"), title + ": every query follows the instance variable: " + expr);
                assertTrue(METRIC.matcher(expr).find() || expr.contains("up{") || expr.contains("scrape_duration"),
                    title + ": queries a metric: " + expr);
            }
        }
        assertTrue(titles.containsAll(Set.of("Ingest rate by outcome", "Stalls", "Tracked pids", "Ring occupancy",
            "Scrape cost")), "the panels the issue asks for: " + titles);
    }

    @Test
    void theDashboardOnlyQueriesSeriesThatMetricsExposes() throws IOException
    {
        assertEquals(Set.of(), unknownNames(Files.readString(DASHBOARD)));
    }

    @Test
    void theAlertRulesOnlyUseSeriesThatMetricsExposes() throws IOException
    {
        final String rules = Files.readString(RULES);
        assertEquals(Set.of(), unknownNames(rules));
        for (final String family : List.of("varta_status", "varta_decode_errors_total", "varta_rate_limited_total",
            "varta_ring_occupancy_high_water_records", "varta_ring_full_stalls_total",
            "varta_export_file_write_errors_total", "varta_export_file_lines_lost_total"))
        {
            assertTrue(rules.contains(family), "an alert uses " + family);
        }
    }
}
