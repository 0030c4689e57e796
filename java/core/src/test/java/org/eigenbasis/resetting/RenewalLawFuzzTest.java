package org.eigenbasis.resetting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the renewal-law syntax, {@link RenewalLaw#parse}: any text (the input bytes as UTF-8) either gives a law or an
 * IllegalArgumentException (the documented refusal); a law it gives must read back from its own
 * {@link RenewalLaw#spec()} to the same spec.
 */
class RenewalLawFuzzTest {
    @FuzzTest
    void parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        RenewalLaw law;
        try {
            law = RenewalLaw.parse(text);
        } catch (IllegalArgumentException documented) {
            return;
        }
        assertEquals(law.spec(), RenewalLaw.parse(law.spec()).spec(), "spec round trip of " + text);
    }
}
