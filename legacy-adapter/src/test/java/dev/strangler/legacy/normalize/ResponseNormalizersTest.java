package dev.strangler.legacy.normalize;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseNormalizersTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode read(String text) throws Exception {
        return json.readTree(text);
    }

    @Test
    void renamesAndMapsCodesInEveryArrayElementWithoutTouchingInput() throws Exception {
        JsonNode legacy = read("{\"appts\":[{\"appt_status\":\"B\",\"x\":1},{\"appt_status\":\"C\"}]}");
        ResponseNormalizer normalizer = ResponseNormalizers.mapValues("/appts/*/appt_status", Map.of("B", "BOOKED", "C", "CANCELLED"))
                .andThen(ResponseNormalizers.rename("/appts/*/appt_status", "status"))
                .andThen(ResponseNormalizers.remove("/appts/*/x"));

        JsonNode normalized = normalizer.normalize(legacy);

        assertThat(normalized).isEqualTo(read("{\"appts\":[{\"status\":\"BOOKED\"},{\"status\":\"CANCELLED\"}]}"));
        assertThat(legacy).isEqualTo(read("{\"appts\":[{\"appt_status\":\"B\",\"x\":1},{\"appt_status\":\"C\"}]}"));
    }

    @Test
    void registryChainsByNameAndRejectsUnknownNames() throws Exception {
        NormalizerRegistry registry = NormalizerRegistry.builder()
                .register("rename", ResponseNormalizers.rename("/a", "b"))
                .build();

        assertThat(registry.chain(List.of("rename")).normalize(read("{\"a\":1}"))).isEqualTo(read("{\"b\":1}"));
        assertThatThrownBy(() -> registry.chain(List.of("nope")))
                .hasMessageContaining("normalizer: nope").hasMessageContaining("rename");
        assertThatThrownBy(() -> ResponseNormalizers.remove("a")).hasMessageContaining("JSON Pointer");
    }
}
