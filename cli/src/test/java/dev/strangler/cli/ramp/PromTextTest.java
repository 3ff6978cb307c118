package dev.strangler.cli.ramp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromTextTest {

    @Test
    void readsSamplesLabelsEscapesAndSpecialValues() {
        List<PromText.Sample> s = PromText.parse("""
                # HELP strangler_proxy_requests_total Requests answered
                # TYPE strangler_proxy_requests_total counter
                strangler_proxy_requests_total{backend="monolith",route="appointments",status="2xx",} 41.0
                strangler_proxy_latency_seconds_bucket{route="a",backend="b",le="+Inf"} 7 1700000000000
                odd{msg="say \\"hi\\"\\n\\\\ok", le = "0.5" } NaN
                up -Inf

                """);

        assertThat(s).hasSize(4);
        assertThat(s.get(0).labels()).isEqualTo(Map.of("backend", "monolith", "route", "appointments", "status", "2xx"));
        assertThat(s.get(0).value()).isEqualTo(41.0);
        assertThat(s.get(1).value()).isEqualTo(7);
        assertThat(s.get(2).labels().get("msg")).isEqualTo("say \"hi\"\n\\ok");
        assertThat(s.get(2).value()).isNaN();
        assertThat(s.get(3).labels()).isEmpty();
        assertThat(s.get(3).value()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void refusesWhatItCannotReadNamingTheLine() {
        assertThatThrownBy(() -> PromText.parse("ok 1\nbroken{route=\"a\" 1\n"))
                .hasMessageStartingWith("metrics line 2: expected , or } after label route");
        assertThatThrownBy(() -> PromText.parse("x{a=\"1\"} 0x1p3")).hasMessageContaining("value of x is not a number");
        assertThatThrownBy(() -> PromText.parse("x{a=1} 2")).hasMessageContaining("label a has no =\"value\"");
        assertThatThrownBy(() -> PromText.parse("x{a=\"1\",a=\"2\"} 2")).hasMessageContaining("label a given twice");
        assertThatThrownBy(() -> PromText.parse("x 1 2 3")).hasMessageContaining("unexpected text after the value");
        assertThatThrownBy(() -> PromText.parse("x{a=\"\\t\"} 1")).hasMessageContaining("unknown escape \\t");
        assertThatThrownBy(() -> PromText.parse("{a=\"1\"} 1")).hasMessageContaining("no metric name");
    }
}
