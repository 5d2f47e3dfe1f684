import java.nio.charset.StandardCharsets;

import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * The framework ceiling of the performance issue: the same Spring WebFlux functional router on Reactor Netty that
 * dawg-server runs, with one route that answers a fixed 50 KB JSON body and nothing of ours around it. With
 * {@code security} as its second argument, Spring Security's reactive filter chain runs in front, configured for a
 * stateless API as dawg-server's is (no session, no request cache, no CSRF, every request permitted, the default
 * headers written). Run by src/load/run.sh (ceiling-webflux,
 * ceiling-webflux-security), on the jar's own libraries.
 */
public class BareWebFlux {

    static final byte[] BIG = "x".repeat(50 * 1024).getBytes(StandardCharsets.US_ASCII);

    @Configuration(proxyBeanMethods = false)
    @EnableWebFlux
    static class Web {

        @Bean
        RouterFunction<ServerResponse> big() {
            return RouterFunctions.route()
                    .GET("/big", request -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(BIG))
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebFluxSecurity
    static class Security {

        @Bean
        SecurityWebFilterChain chain(ServerHttpSecurity http) {
            return http.authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                    .csrf(ServerHttpSecurity.CsrfSpec::disable)
                    .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                    .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                    .logout(ServerHttpSecurity.LogoutSpec::disable)
                    .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                    .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                    .build();
        }
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        boolean security = args.length > 1 && args[1].equals("security");
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.register(Web.class);
        if (security) {
            context.register(Security.class);
        }
        context.refresh();
        ReactorHttpHandlerAdapter adapter = new ReactorHttpHandlerAdapter(WebHttpHandlerBuilder.applicationContext(context).build());
        DisposableServer server = HttpServer.create().port(port).handle(adapter).bindNow();
        System.out.println("bare webflux" + (security ? " with security" : "") + " on " + server.port());
        server.onDispose().block();
    }
}
