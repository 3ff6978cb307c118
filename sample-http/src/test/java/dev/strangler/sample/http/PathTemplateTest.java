package dev.strangler.sample.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

    @Test
    void capturesParametersByName() {
        PathTemplate t = PathTemplate.parse("/physicians/{id}/licences/{state}");

        assertThat(t.match(PathTemplate.split("/physicians/7/licences/CA")))
                .contains(Map.of("id", "7", "state", "CA"));
        assertThat(t.match(PathTemplate.split("/physicians/7/licences"))).isEmpty();
        assertThat(t.match(PathTemplate.split("/patients/7/licences/CA"))).isEmpty();
    }

    @Test
    void literalSegmentSortsBeforeParameter() {
        List<String> keys = List.of(PathTemplate.parse("/appointments/{id}").specificityKey(),
                PathTemplate.parse("/appointments/slots").specificityKey());

        assertThat(keys.stream().sorted().toList().get(0)).isEqualTo("00");
    }

    @Test
    void refusesTemplatesWithPartialParameters() {
        assertThatThrownBy(() -> PathTemplate.parse("/rooms/x{id}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("segment 'x{id}'");
        assertThatThrownBy(() -> PathTemplate.parse("rooms")).hasMessageContaining("expected: starting with /");
    }

    @Test
    void refusesTwoRoutesOfTheSameShape() {
        Routes r = new Routes().get("/a/{id}", req -> Response.noContent());

        assertThatThrownBy(() -> r.get("/a/{other}", req -> Response.noContent()))
                .hasMessageContaining("clashes with GET /a/{id}");
    }
}
