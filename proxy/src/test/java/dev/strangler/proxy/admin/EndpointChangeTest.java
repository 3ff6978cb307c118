package dev.strangler.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.strangler.proxy.HostPort;
import dev.strangler.proxy.backend.EndpointOverride;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EndpointChangeTest {

    private static final HostPort A = new HostPort("10.0.0.1", 80);
    private static final HostPort B = new HostPort("10.0.0.2", 80);
    private static final HostPort C = new HostPort("10.0.0.3", 80);
    private static final EndpointOverride AB = new EndpointOverride(List.of(A, B), Set.of(), 4);

    private static EndpointChange change(EndpointChange.Op op, Long expected, HostPort... eps) {
        return new EndpointChange("svc", op, List.of(eps), expected, "oncall", "why", Instant.EPOCH);
    }

    @Test
    void deltasApplyToTheCommittedStateAndBumpTheVersion() {
        EndpointOverride added = change(EndpointChange.Op.ADD, null, C).applyTo(AB);
        assertThat(added).isEqualTo(new EndpointOverride(List.of(A, B, C), Set.of(), 5));
        EndpointOverride drained = change(EndpointChange.Op.DRAIN, null, B).applyTo(added);
        assertThat(drained.draining()).containsExactly("10.0.0.2:80");
        assertThat(drained.version()).isEqualTo(6);
        EndpointOverride back = change(EndpointChange.Op.ADD, null, B).applyTo(drained);
        assertThat(back.draining()).as("adding a draining endpoint takes it back").isEmpty();
        EndpointOverride removed = change(EndpointChange.Op.REMOVE, null, A).applyTo(drained);
        assertThat(removed.endpoints()).containsExactly(B, C);
        assertThat(removed.draining()).containsExactly("10.0.0.2:80");
        EndpointOverride set = change(EndpointChange.Op.SET, 6L, C, A, C).applyTo(drained);
        assertThat(set).isEqualTo(new EndpointOverride(List.of(C, A), Set.of(), 7));
    }

    @Test
    void refusesStaleVersionsUnknownEndpointsDuplicatesAndRemovingTheLastOne() {
        EndpointConflict stale = catchThrowableOfType(EndpointConflict.class,
                () -> change(EndpointChange.Op.DRAIN, 3L, A).applyTo(AB));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.current()).isEqualTo(AB);
        assertThat(stale.getMessage()).contains("version 4, not 3");
        assertThat(catchThrowableOfType(EndpointConflict.class, () -> change(EndpointChange.Op.ADD, null, A).applyTo(AB))
                .getMessage()).contains("already has endpoint 10.0.0.1:80");
        AdminException unknown = catchThrowableOfType(AdminException.class,
                () -> change(EndpointChange.Op.REMOVE, null, C).applyTo(AB));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.getMessage()).contains("10.0.0.3:80").contains("known: 10.0.0.1:80, 10.0.0.2:80");
        EndpointOverride onlyA = new EndpointOverride(List.of(A), Set.of(), 1);
        AdminException last = catchThrowableOfType(AdminException.class,
                () -> change(EndpointChange.Op.REMOVE, null, A).applyTo(onlyA));
        assertThat(last.status()).isEqualTo(400);
        assertThat(last.getMessage()).contains("only endpoint");
    }
}
