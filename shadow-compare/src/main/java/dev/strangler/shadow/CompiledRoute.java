package dev.strangler.shadow;

import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.legacy.normalize.NormalizerRegistry;
import dev.strangler.legacy.normalize.ResponseNormalizer;
import dev.strangler.shadow.diff.DiffOptions;
import dev.strangler.shadow.diff.ResponseDiff;

/** A route's config with its diff options and normalisers resolved once, at configuration time. */
record CompiledRoute(ShadowRouteConfig config, ResponseDiff diff) {

    /**
     * @throws IllegalArgumentException naming the route if a normaliser is unknown
     */
    static CompiledRoute compile(ShadowRouteConfig config, NormalizerRegistry normalizers) {
        ResponseNormalizer legacy;
        try {
            legacy = normalizers.chain(config.legacyNormalizers());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("route " + config.route() + ": legacyNormalizers: " + e.getMessage(), e);
        }
        UnaryOperator<JsonNode> none = UnaryOperator.identity();
        // identity() when there is nothing to do lets ResponseDiff skip parsing identical bodies
        UnaryOperator<JsonNode> legacySide = config.legacyNormalizers().isEmpty() ? none : legacy::normalize;
        // The diff's first answer is the monolith's, except on routes that copy only what the service
        // answered (EITHER orients every exchange legacy-first: ShadowComparator swaps when needed).
        boolean legacyPrimary = config.primary() != Primary.TARGET;
        DiffOptions options = DiffOptions.of(config.ignore(), config.arrays(), config.numberTolerance());
        return new CompiledRoute(config, new ResponseDiff(options, config.headers(),
                legacyPrimary ? legacySide : none, legacyPrimary ? none : legacySide));
    }
}
