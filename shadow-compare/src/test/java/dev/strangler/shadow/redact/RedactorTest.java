package dev.strangler.shadow.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.shadow.HttpHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedactorTest {

    private final Redactor redactor = new Redactor(RedactionConfig.builder()
            .hmacKey("test-key-0123456789abcdef").sensitiveFields(Set.of("insurer")).build());
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void hashesAreKeyedStableAndUnreadable() {
        Redactor otherKey = new Redactor(RedactionConfig.builder().hmacKey("another-key-0123456789").build());

        assertThat(redactor.hash("123-45-6789")).isEqualTo(redactor.hash("123-45-6789"))
                .startsWith("hmac:").hasSize(5 + 24).doesNotContain("6789");
        assertThat(redactor.hash("123-45-6789")).isNotEqualTo(redactor.hash("123-45-6780"))
                .isNotEqualTo(otherKey.hash("123-45-6789"));
    }

    @Test
    void detectsPhiShapedValuesInFreeText() {
        String text = "Jane at jane.doe@example.com, 555-867-5309 or (555) 123-4567, SSN 123-45-6789, "
                + "born 1984-03-07, lives 42 Elm Street; booked 2026-11-28T10:00:00Z";

        String redacted = redactor.redactText(text);

        assertThat(redacted).doesNotContain("jane.doe@example.com", "867-5309", "123-4567", "123-45-6789",
                "1984-03-07", "42 Elm Street").contains("booked 2026-11-28T10:00:00Z")
                .contains(redactor.hash("jane.doe@example.com"));
    }

    @Test
    void hashesWholeValuesOfSensitiveFieldsAndScansTheRest() throws Exception {
        JsonNode body = json.readTree("{\"patient\":{\"firstName\":\"Jane\",\"lastName\":\"Doe\",\"dob\":\"1984-03-07\","
                + "\"address\":{\"line1\":\"42 Elm\",\"zip\":\"02139\"}},\"insurer\":\"Acme\",\"status\":\"BOOKED\","
                + "\"count\":3,\"note\":\"call 555-867-5309\",\"ok\":true,\"slot\":null}");

        JsonNode redacted = redactor.redactJson(body);

        assertThat(redacted.toString()).doesNotContain("Jane", "Doe", "1984-03-07", "42 Elm", "02139", "Acme", "867-5309");
        assertThat(redacted.at("/patient/firstName").asText()).isEqualTo(redactor.hash("Jane"));
        assertThat(redacted.at("/status").asText()).isEqualTo("BOOKED");
        assertThat(redacted.at("/count").asInt()).isEqualTo(3);
        assertThat(redacted.at("/ok").asBoolean()).isTrue();
        assertThat(body.at("/patient/firstName").asText()).isEqualTo("Jane"); // input untouched
    }

    @Test
    void redactsQueryPathAndHeadersAndNamesWhatChanged() {
        List<String> parts = new ArrayList<>();

        String query = redactor.redactQuery("email=jane%40example.com&lastName=Doe&page=2", parts);
        String path = redactor.redactPath("/patients/123-45-6789/appointments", parts);
        HttpHeaders headers = redactor.redactHeaders(HttpHeaders.builder().add("Authorization", "Bearer abc")
                .add("Accept", "application/json").add("X-Patient-Email", "jane@example.com").build(), parts);

        assertThat(query).doesNotContain("jane", "Doe").contains("page=2");
        assertThat(path).doesNotContain("123-45-6789").startsWith("/patients/hmac:");
        assertThat(headers.get("authorization")).isEqualTo(redactor.hash("Bearer abc"));
        assertThat(headers.get("accept")).isEqualTo("application/json");
        assertThat(headers.get("x-patient-email")).doesNotContain("jane");
        assertThat(parts).containsExactly("query:email", "query:lastName", "path", "header:authorization", "header:x-patient-email");
    }

    @Test
    void rejectsShortKeysAndMasksTheKey() {
        assertThatThrownBy(() -> RedactionConfig.builder().hmacKey("short").build()).hasMessageContaining("at least 16");
        assertThatThrownBy(() -> RedactionConfig.builder().build()).hasMessageContaining("hmacKey");
        assertThat(RedactionConfig.builder().hmacKey("test-key-0123456789abcdef").build().toString())
                .contains("hmacKey=****").doesNotContain("test-key");
    }
}
