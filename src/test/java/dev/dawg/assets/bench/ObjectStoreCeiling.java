package dev.dawg.assets.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import io.minio.DownloadObjectArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.UploadObjectArgs;

/**
 * The ceiling for {@code src/load/asset-upload-benchmark.sh}: the same file copied straight to the same S3 endpoint
 * and back with the MinIO client (multipart, 8 MiB parts), no server in between.
 * Arguments: endpoint access-key secret-key bucket file.
 */
public final class ObjectStoreCeiling {

    private ObjectStoreCeiling() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String bucket = args[3];
        Path file = Path.of(args[4]);
        long size = Files.size(file);
        MinioClient client = MinioClient.builder().endpoint(endpoint).region("us-east-1").credentials(args[1], args[2]).build();
        String key = "bench/ceiling-" + System.nanoTime();

        long start = System.nanoTime();
        client.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key).filename(file.toString(), 8L * 1024 * 1024)
                .contentType("audio/wav").build());
        double upload = (System.nanoTime() - start) / 1e9;

        Path copy = Files.createTempFile("ceiling", ".wav");
        Files.delete(copy);
        start = System.nanoTime();
        client.downloadObject(DownloadObjectArgs.builder().bucket(bucket).object(key).filename(copy.toString()).build());
        double download = (System.nanoTime() - start) / 1e9;

        boolean same = Files.mismatch(file, copy) == -1;
        Files.delete(copy);
        client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        System.out.printf("direct MinIO client: upload %.1f MB/s (%.2f s), download %.1f MB/s (%.2f s), identical=%s%n",
                size / 1e6 / upload, upload, size / 1e6 / download, download, same);
    }
}
