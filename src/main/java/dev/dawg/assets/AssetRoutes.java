package dev.dawg.assets;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.codec.multipart.DefaultPartHttpMessageReader;
import org.springframework.http.codec.multipart.MultipartHttpMessageReader;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.dawg.platform.web.OpenRoute;
import dev.dawg.platform.web.RequestBodyAllowance;
import dev.dawg.sharing.ProjectAccess;

import static dev.dawg.auth.RouteAccess.anyone;
import static dev.dawg.auth.RouteAccess.signedIn;
import static dev.dawg.auth.Scope.ASSETS_READ;
import static dev.dawg.auth.Scope.ASSETS_WRITE;
import static dev.dawg.sharing.AccessLevel.EDIT;
import static dev.dawg.sharing.AccessLevel.VIEW;

/** Routes of audio assets, their uploads, and the caller's personal library with its folders (the system library's are {@code assets.system}'s). */
@Configuration(proxyBeanMethods = false)
class AssetRoutes {

    @Bean
    RouterFunction<ServerResponse> assetRouter(AssetHandler assets, StreamedUploads streamed, PresignedUploads presigned,
            LibraryHandler personal, ServerPutUploads throughServer, ResumableUploads resumable, ProjectPreviewHandler previews,
            ProjectAccess projects) {
        return RouterFunctions.route()
                .path("/api/projects/{id}/assets", builder -> builder
                        .POST("/uploads", signedIn(ASSETS_WRITE, projects.onPath(EDIT, presigned::presign)))
                        .POST("/multipart-uploads", signedIn(ASSETS_WRITE, projects.onPath(EDIT, resumable::startInProject)))
                        .POST("", signedIn(ASSETS_WRITE, projects.onPath(EDIT, streamed::uploadToProject)))
                        .GET("", anyone(ASSETS_READ, projects.onPath(VIEW, assets::listProject))))
                .path("/api/projects/{id}/preview", builder -> builder
                        .POST("", signedIn(ASSETS_WRITE, projects.onPath(EDIT, previews::upload)))
                        .PUT("", signedIn(ASSETS_WRITE, projects.onPath(EDIT, previews::reference)))
                        .DELETE("", signedIn(ASSETS_WRITE, projects.onPath(EDIT, previews::delete)))
                        .GET("/content", anyone(ASSETS_READ, projects.onPath(VIEW, previews::content)))
                        .GET("", anyone(ASSETS_READ, projects.onPath(VIEW, previews::get))))
                .path("/api/assets", builder -> builder
                        .GET("", signedIn(ASSETS_READ, personal::listAssets))
                        .POST("", signedIn(ASSETS_WRITE, streamed::uploadToLibrary))
                        .POST("/uploads", signedIn(ASSETS_WRITE, presigned::presignToLibrary))
                        .POST("/uploads/{uploadId}/complete", signedIn(ASSETS_WRITE, presigned::complete))
                        .POST("/uploads/{uploadId}/key", signedIn(ASSETS_WRITE, throughServer::key))
                        // Authorised by the upload's own key (X-Upload-Key), not by a session: see ServerPutUploads.
                        .PUT("/uploads/{uploadId}/content", OpenRoute.anyCaller(throughServer::put))
                        // Resumable uploads: the uploader's own, so the write scope throughout (reading one is part of writing it).
                        .GET("/multipart-uploads", signedIn(ASSETS_WRITE, resumable::list))
                        .POST("/multipart-uploads", signedIn(ASSETS_WRITE, resumable::startInLibrary))
                        .GET("/multipart-uploads/{uploadId}", signedIn(ASSETS_WRITE, resumable::get))
                        .DELETE("/multipart-uploads/{uploadId}", signedIn(ASSETS_WRITE, resumable::abort))
                        .POST("/multipart-uploads/{uploadId}/parts", signedIn(ASSETS_WRITE, resumable::partUrls))
                        .POST("/multipart-uploads/{uploadId}/complete", signedIn(ASSETS_WRITE, resumable::complete))
                        .GET("/quota", signedIn(ASSETS_READ, assets::quota))
                        .GET("/{id}/content", anyone(ASSETS_READ, assets::content))
                        .GET("/{id}", anyone(ASSETS_READ, assets::get))
                        .PATCH("/{id}", signedIn(ASSETS_WRITE, personal::patchAsset))
                        .DELETE("/{id}", signedIn(ASSETS_WRITE, assets::delete)))
                .path("/api/asset-folders", builder -> builder
                        .GET("", signedIn(ASSETS_READ, personal::listFolders))
                        .POST("", signedIn(ASSETS_WRITE, personal::createFolder))
                        .PATCH("/{id}", signedIn(ASSETS_WRITE, personal::patchFolder))
                        .DELETE("/{id}", signedIn(ASSETS_WRITE, personal::deleteFolder)))
                .GET("/api/search/assets", anyone(ASSETS_READ, assets::search))
                .build();
    }

    /**
     * Bounds the framework's own multipart reader too ({@code request.multipartData()}), though uploads read
     * their parts as streamed events ({@link UploadBodyReader}): a few parts, small headers, and no part written
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

    /**
     * The streamed uploads may send a file up to the upload limit, plus room for a few small parts around it; the
     * platform's body limit cuts anything longer (the writer refuses at the file's exact limit first).
     */
    /** Bytes of a presigned upload PUT through this server: up to the upload limit (the writer stops at the declared size). */
    @Bean
    RequestBodyAllowance serverPutBodies(AssetProperties properties) {
        return RequestBodyAllowance.of(HttpMethod.PUT, properties.maxUploadSize().toBytes(), "/api/assets/uploads/{uploadId}/content");
    }

    @Bean
    RequestBodyAllowance streamedUploadBodies(AssetProperties properties) {
        return RequestBodyAllowance.of(HttpMethod.POST, properties.maxUploadSize().toBytes() + 1024 * 1024,
                "/api/projects/{id}/assets", "/api/assets", "/api/projects/{id}/preview");
    }
}
