package dev.dawg.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;

import static org.assertj.core.api.Assertions.assertThat;

/** Our bearer token reading gives Spring Security's answer for every header: the same token, no token, or the same refusal. */
class BearerTokenConverterTest {

    private final ServerAuthenticationConverter ours = new BearerTokenConverter();
    private final ServerAuthenticationConverter springs = new ServerBearerTokenAuthenticationConverter();

    @Test
    void shouldAnswerAsSpringSecurityForHeadersAtTheEdges() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        List<String> headers = new ArrayList<>(List.of("Bearer " + jwt, "bearer " + jwt, "BEARER " + jwt, "BeArEr " + jwt,
                "Bearer a", "Bearer a==", "Bearer ===", "Bearer a=b", "Bearer a b", "Bearer  a", "Bearer\ta", "Bearer ",
                "Bearer", "bearer", "Bearerx", "Bearer" + jwt, "Bearer a\n", "Bearer a\r\n", "Bearer a ", " Bearer a",
                "Bearer -._~+/09azAZ", "Bearer a%20", "Bearer é", "Bearer \u212A", "B\u0131arer a", "Be\u0391rer a",
                "Basic dXNlcjpwYXNz", "Digest a", "", "x", "Bear", "Bearer a=\u0000", "bEARER a/+=="));
        for (String header : headers) {
            assertThat(answer(ours, header)).as(header).isEqualTo(answer(springs, header));
        }
        assertThat(answer(ours, (String) null)).isEqualTo(answer(springs, (String) null)).isEqualTo("none");
        assertThat(answer(ours, "Bearer " + jwt)).isEqualTo("token " + jwt);
        assertThat(answer(ours, "Bearer a b")).isEqualTo("refused invalid_token Bearer token is malformed");
    }

    @Test
    void shouldAnswerAsSpringSecurityForRandomHeaders() {
        Random random = new Random(20261207);
        String[] starts = { "Bearer ", "bearer ", "BEARER ", "Bearer", "bearer", "Basic ", "", "Bearer  " };
        char[] alphabet = "aZ09-._~+/= \t\n\r:,;\"'%é\u212A\u0131\u0000\u007f\u0085\ud83c\udfb5\ud800".toCharArray();
        for (int i = 0; i < 4_000; i++) {
            StringBuilder header = new StringBuilder(starts[random.nextInt(starts.length)]);
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                header.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String value = header.toString();
            assertThat(answer(ours, value)).as("%s", value.chars().mapToObj(Integer::toHexString).toList()).isEqualTo(answer(springs, value));
        }
    }

    @Test
    void shouldReadOnlyTheFirstAuthorizationHeaderAsSpringSecurityDoes() {
        MockServerHttpRequest request = MockServerHttpRequest.get("/api/me").header("Authorization", "Bearer first", "Bearer second").build();
        assertThat(answer(ours, request)).isEqualTo(answer(springs, request)).isEqualTo("token first");
    }

    private static String answer(ServerAuthenticationConverter converter, String authorization) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/api/me");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return answer(converter, request.build());
    }

    private static String answer(ServerAuthenticationConverter converter, MockServerHttpRequest request) {
        try {
            Authentication authentication = Mono.defer(() -> converter.convert(MockServerWebExchange.from(request))).block();
            return authentication == null ? "none" : "token " + ((BearerTokenAuthenticationToken) authentication).getToken();
        }
        catch (OAuth2AuthenticationException refused) {
            return "refused " + refused.getError().getErrorCode() + " " + refused.getError().getDescription();
        }
    }
}
