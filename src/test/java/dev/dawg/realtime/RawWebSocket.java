package dev.dawg.realtime;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * A WebSocket client written against the bare socket, for the clients a browser library would never be: one
 * that stops reading (a slow consumer), one that never answers pings, one that sends oversized frames.
 */
final class RawWebSocket implements AutoCloseable {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    private static final SecureRandom RANDOM = new SecureRandom();

    record Frame(int opcode, byte[] payload) {

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the handshake; {@code receiveBuffer} > 0 keeps the kernel from reading ahead much. */
    static RawWebSocket open(int port, String pathAndQuery, int receiveBuffer) throws IOException {
        Attempt attempt = attempt("127.0.0.1", port, pathAndQuery, receiveBuffer);
        if (attempt.socket() == null) {
            throw new IOException("Handshake refused: " + attempt.status() + " " + attempt.body());
        }
        return attempt.socket();
    }

    /** A handshake's outcome: the open socket (status 101), or the status and body it was refused with. */
    record Attempt(int status, String body, RawWebSocket socket) {
    }

    /** Tries the handshake from {@code localAddress} (any of 127.0.0.0/8 on Linux), as another client would. */
    static Attempt attempt(String localAddress, int port, String pathAndQuery) throws IOException {
        return attempt(localAddress, port, pathAndQuery, 0);
    }

    private static Attempt attempt(String localAddress, int port, String pathAndQuery, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(15_000);
        RawWebSocket raw = new RawWebSocket(socket);
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        raw.out.write(request.getBytes(StandardCharsets.US_ASCII));
        raw.out.flush();
        String head = raw.readHead();
        int status = Integer.parseInt(head.substring(9, 12));
        if (status == 101) {
            return new Attempt(status, "", raw);
        }
        String body = head.lines()
                .filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                .findFirst()
                .map(line -> {
                    try {
                        return new String(raw.in.readNBytes(Integer.parseInt(line.substring(15).trim())), StandardCharsets.UTF_8);
                    }
                    catch (IOException ex) {
                        return "";
                    }
                })
                .orElse("");
        socket.close();
        return new Attempt(status, body, null);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("Connection closed during the handshake");
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    void sendText(String text) throws IOException {
        send(TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A client frame: masked, as RFC 6455 requires of clients. */
    void send(int opcode, byte[] payload) throws IOException {
        send(opcode, payload, true);
    }

    /** One fragment of a message: {@code fin} false on all but the last, which (like the middle ones) is a CONTINUATION. */
    void send(int opcode, byte[] payload, boolean fin) throws IOException {
        out.write(frame(opcode, payload, fin));
        out.flush();
    }

    /** Text messages written at once, in one write: the server reads them together, with no time passing between them. */
    void sendTexts(List<String> texts) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (String text : texts) {
            frames.writeBytes(frame(TEXT, text.getBytes(StandardCharsets.UTF_8), true));
        }
        out.write(frames.toByteArray());
        out.flush();
    }

    private static byte[] frame(int opcode, byte[] payload, boolean fin) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write((fin ? 0x80 : 0) | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        }
        else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        }
        else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return frame.toByteArray();
    }

    /** The next frame from the server; EOFException when the connection has ended. */
    Frame read() throws IOException {
        int first = readByte();
        int second = readByte();
        long length = second & 0x7F;
        if (length == 126) {
            length = (readByte() << 8) | readByte();
        }
        else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("Connection closed inside a frame");
        }
        return new Frame(first & 0x0F, payload);
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("Connection closed");
        }
        return b;
    }

    /** Reads (up to 10 s between frames) until the server's close frame: its code, or -1 when the connection was cut. */
    int readUntilClosed() throws IOException {
        return readUntilClosed(frame -> { });
    }

    /** The same, handing each frame before the close to {@code each}. */
    int readUntilClosed(Consumer<Frame> each) throws IOException {
        setReadTimeout(10_000);
        try {
            while (true) {
                Frame frame = read();
                if (frame.opcode() == CLOSE) {
                    return frame.closeCode();
                }
                each.accept(frame);
            }
        }
        catch (EOFException | SocketException ex) {
            return -1;
        }
    }

    void setReadTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
