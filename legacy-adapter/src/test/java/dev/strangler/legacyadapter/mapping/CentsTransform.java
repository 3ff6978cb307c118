package dev.strangler.legacyadapter.mapping;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Test SPI transform: legacy dollars (numeric text) → new integer cents, and back. */
public final class CentsTransform implements ColumnTransform {
    @Override
    public String name() {
        return "dollars-to-cents";
    }

    @Override
    public Object toNew(Map<String, Object> legacyValues) {
        Object v = legacyValues.values().iterator().next();
        return v == null ? null : new BigDecimal(v.toString()).movePointRight(2).longValueExact();
    }

    @Override
    public boolean reversible() {
        return true;
    }

    @Override
    public Map<String, Object> toLegacy(Object newValue, List<String> legacyColumns) {
        return Map.of(legacyColumns.get(0), BigDecimal.valueOf(((Number) newValue).longValue(), 2));
    }
}
