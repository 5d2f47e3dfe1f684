package dev.dawg.auth;

import java.lang.reflect.Field;
import java.util.Random;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;

import static org.assertj.core.api.Assertions.assertThat;

/** Our firewall character checks decide as Spring Security's own regexes do, for every code point and random text. */
class FirewallCharactersTest {

    private final Predicate<String> springsHeaderValues = springs("HEADER_VALUE_PREDICATE");
    private final Predicate<String> springsNames = springs("ASSIGNED_AND_NOT_ISO_CONTROL_PREDICATE");

    @Test
    void shouldDecideEveryCodePointAsSpringSecurity() {
        int refusedValues = 0;
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String text = "a" + Character.toString(codePoint) + "b";
            boolean value = FirewallCharacters.allowedInHeaderValue(text);
            assertThat(value).as("U+%04X in a header value", codePoint).isEqualTo(springsHeaderValues.test(text));
            assertThat(FirewallCharacters.assignedNotControl(text)).as("U+%04X in a name", codePoint).isEqualTo(springsNames.test(text));
            refusedValues += value ? 0 : 1;
        }
        // Controls and unassigned code points are refused, a tab only in values: both rules really bite.
        assertThat(refusedValues).isGreaterThan(800_000);
        assertThat(FirewallCharacters.allowedInHeaderValue("a\tb")).isTrue();
        assertThat(FirewallCharacters.assignedNotControl("a\tb")).isFalse();
        assertThat(FirewallCharacters.allowedInHeaderValue("a\u0085b")).isFalse();
        // A header asked for and not sent (getFirst answers null) passes, in both.
        assertThat(FirewallCharacters.allowedInHeaderValue(null)).isEqualTo(springsHeaderValues.test(null)).isTrue();
        assertThat(FirewallCharacters.assignedNotControl(null)).isEqualTo(springsNames.test(null)).isTrue();
    }

    @Test
    void shouldDecideRandomTextAsSpringSecurity() {
        Random random = new Random(7);
        char[] alphabet = "aZ09 -=;,\t\n\u0000\u007f\u0085\u00a0é\u0378\ud83c\udfb5\ud800\udc00\udbff\udfff\ufffe".toCharArray();
        for (int i = 0; i < 50_000; i++) {
            char[] text = new char[random.nextInt(10)];
            for (int j = 0; j < text.length; j++) {
                text[j] = alphabet[random.nextInt(alphabet.length)];
            }
            String value = new String(text);
            assertThat(FirewallCharacters.allowedInHeaderValue(value)).as("%s", value.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(springsHeaderValues.test(value));
            assertThat(FirewallCharacters.assignedNotControl(value)).as("%s", value.chars().mapToObj(Integer::toHexString).toList())
                    .isEqualTo(springsNames.test(value));
        }
    }

    @SuppressWarnings("unchecked")
    private static Predicate<String> springs(String field) {
        try {
            Field predicate = StrictServerWebExchangeFirewall.class.getDeclaredField(field);
            predicate.setAccessible(true);
            return (Predicate<String>) predicate.get(null);
        }
        catch (ReflectiveOperationException ex) {
            throw new AssertionError("Spring Security's firewall no longer has " + field + ": compare with its new rules", ex);
        }
    }
}
