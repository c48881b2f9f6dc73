package org.postern.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose every engine, socket and server socket starts with Postern's
 * {@link TlsPolicy} applied, so a listener that forgets to restrict protocols and suites still
 * fails closed. Listeners may narrow the parameters further but should not widen them.
 */
final class RestrictedSslContext extends SSLContext {

    private RestrictedSslContext(Spi spi, SSLContext delegate) {
        super(spi, delegate.getProvider(), delegate.getProtocol());
    }

    static SSLContext wrap(SSLContext delegate, Supplier<SSLParameters> parameters) {
        return new RestrictedSslContext(new Spi(delegate, parameters), delegate);
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext delegate;
        private final Supplier<SSLParameters> parameters;

        Spi(SSLContext delegate, Supplier<SSLParameters> parameters) {
            this.delegate = delegate;
            this.parameters = parameters;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("this SSLContext is already initialised");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return new SocketFactory(delegate.getSocketFactory(), parameters);
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return new ServerSocketFactory(delegate.getServerSocketFactory(), parameters);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            SSLEngine engine = delegate.createSSLEngine();
            engine.setSSLParameters(parameters.get());
            return engine;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine engine = delegate.createSSLEngine(host, port);
            engine.setSSLParameters(parameters.get());
            return engine;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return delegate.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return delegate.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return parameters.get();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return parameters.get();
        }
    }

    private static final class SocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final Supplier<SSLParameters> parameters;

        SocketFactory(SSLSocketFactory delegate, Supplier<SSLParameters> parameters) {
            this.delegate = delegate;
            this.parameters = parameters;
        }

        private Socket restrict(Socket socket) {
            ((SSLSocket) socket).setSSLParameters(parameters.get());
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return parameters.get().getCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return parameters.get().getCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return restrict(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return restrict(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            return restrict(delegate.createSocket(s, consumed, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return restrict(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return restrict(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return restrict(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return restrict(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    private static final class ServerSocketFactory extends SSLServerSocketFactory {
        private final SSLServerSocketFactory delegate;
        private final Supplier<SSLParameters> parameters;

        ServerSocketFactory(SSLServerSocketFactory delegate, Supplier<SSLParameters> parameters) {
            this.delegate = delegate;
            this.parameters = parameters;
        }

        private ServerSocket restrict(ServerSocket socket) {
            ((SSLServerSocket) socket).setSSLParameters(parameters.get());
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return parameters.get().getCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return parameters.get().getCipherSuites();
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return restrict(delegate.createServerSocket());
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return restrict(delegate.createServerSocket(port));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return restrict(delegate.createServerSocket(port, backlog));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
            return restrict(delegate.createServerSocket(port, backlog, ifAddress));
        }
    }
}
