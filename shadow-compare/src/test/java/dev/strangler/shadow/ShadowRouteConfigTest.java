package dev.strangler.shadow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.strangler.shadow.diff.ArrayMode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShadowRouteConfigTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void bindsFromJsonWithDefaultsAndRoundTrips() throws Exception {
        ShadowRouteConfig config = json.readValue("""
                {"route":"appointments","sampleRate":0.5,"ignore":["/meta/*"],
                 "arrays":[{"path":"/items","mode":"KEYED","key":"id"}],"numberTolerance":0.01,
                 "headers":["Content-Type","Date"]}""", ShadowRouteConfig.class);

        assertThat(config.sampleRate()).isEqualTo(0.5);
        assertThat(config.methods()).containsExactlyInAnyOrder("GET", "HEAD");
        assertThat(config.primary()).isEqualTo(Primary.EITHER);
        assertThat(config.noiseSampleRate()).isEqualTo(0.1);
        assertThat(config.arrays().get(0).mode()).isEqualTo(ArrayMode.KEYED);
        assertThat(config.headers()).containsExactly("content-type", "date");
        assertThat(json.readValue(json.writeValueAsString(config), ShadowRouteConfig.class)).isEqualTo(config);
    }

    @Test
    void rejectsBadValuesWithWhereAndWhatWasExpected() {
        assertThatThrownBy(() -> json.readValue("{\"route\":\"a\",\"sampleRate\":1.5}", ShadowRouteConfig.class))
                .isInstanceOf(ValueInstantiationException.class).hasMessageContaining("route a: sampleRate: 1.5 (expected: 0..1)");
        assertThatThrownBy(() -> json.readValue("{\"route\":\"a\",\"ignore\":[\"meta\"]}", ShadowRouteConfig.class))
                .hasMessageContaining("route a: ignore: pointer pattern: 'meta'");
        assertThatThrownBy(() -> json.readValue("{\"route\":\"a\",\"sampelRate\":1}", ShadowRouteConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
        assertThatThrownBy(() -> json.readValue("{\"route\":\"a\",\"primary\":\"NEW\"}", ShadowRouteConfig.class))
                .hasMessageContaining("NEW");
    }
}
