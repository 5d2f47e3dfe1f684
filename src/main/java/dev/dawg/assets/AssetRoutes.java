package dev.dawg.assets;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.MultipartHttpMessageReader;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** Routes of audio assets, their uploads and the sample library. */
@Configuration(proxyBeanMethods = false)
class AssetRoutes {

    @Bean
    RouterFunction<ServerResponse> assetRouter(AssetHandler assets, AssetUploads uploads, SampleLibrary library) {
        return RouterFunctions.route()
                .path("/api/projects/{id}/assets", builder -> builder
                        .POST("/uploads", uploads::presign)
                        .POST("", uploads::uploadToProject)
                        .GET("", assets::listProject))
                .path("/api/assets", builder -> builder
                        .POST("/uploads/{uploadId}/complete", uploads::complete)
                        .GET("/quota", assets::quota)
                        .GET("/{id}/content", assets::content)
                        .GET("/{id}", assets::get)
                        .DELETE("/{id}", assets::delete))
                .path("/api/system-assets", builder -> builder
                        .GET("", library::list)
                        .POST("", uploads::uploadToLibrary))
                .GET("/api/search/assets", assets::search)
                .build();
    }

    /**
     * Bounds the framework's own multipart reader too ({@code request.multipartData()}), though uploads read
     * their parts as streamed events ({@link AssetUploads}): a few parts, small headers, and no part written
     * to disk beyond the upload limit.
     */
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    CodecCustomizer multipartLimits(AssetProperties properties) {
        return configurer -> {
            DefaultPartHttpMessageReader parts = new DefaultPartHttpMessageReader();
            parts.setMaxParts(4);
            parts.setMaxHeadersSize(8 * 1024);
            parts.setMaxInMemorySize(256 * 1024);
            parts.setMaxDiskUsagePerPart(properties.maxUploadSize().toBytes());
            configurer.defaultCodecs().multipartReader(new MultipartHttpMessageReader(parts));
        };
    }
}
