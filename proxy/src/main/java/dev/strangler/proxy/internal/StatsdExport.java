package dev.strangler.proxy.internal;

import dev.strangler.proxy.MetricsConfig;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.statsd.StatsdConfig;
import io.micrometer.statsd.StatsdFlavor;
import io.micrometer.statsd.StatsdMeterRegistry;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds the StatsD registry for {@code metrics.statsd}: micrometer's, in the configured flavor
 * (DogStatsD for Datadog), meter names prefixed, timers as plain {@code |ms} samples (the agent
 * computes percentiles; no histogram-bucket gauges over UDP).
 */
public final class StatsdExport {

    private StatsdExport() {
    }

    /** A started registry sending to {@code s.host():s.port()}; the caller closes it. Null when disabled. */
    public static StatsdMeterRegistry create(MetricsConfig.Statsd s) {
        if (!s.enabled()) {
            return null;
        }
        StatsdConfig config = new StatsdConfig() {
            @Override
            public String get(String key) {
                return null; // every value below; nothing from system properties
            }

            @Override
            public StatsdFlavor flavor() {
                return StatsdFlavor.valueOf(s.flavor().toUpperCase(Locale.ROOT));
            }

            @Override
            public String host() {
                return s.host();
            }

            @Override
            public int port() {
                return s.port();
            }

            @Override
            public Duration pollingFrequency() {
                return s.step();
            }

            @Override
            public Duration step() {
                return s.step();
            }
        };
        StatsdMeterRegistry registry = new StatsdMeterRegistry(config, Clock.SYSTEM);
        String prefix = s.prefix() + ".";
        registry.config()
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().startsWith(prefix) ? id : id.withName(prefix + id.getName());
                    }

                    @Override
                    public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                        return DistributionStatisticConfig.builder().percentilesHistogram(false).build().merge(config);
                    }
                });
        return registry;
    }
}
