package org.postern.server.http.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class QrCodeTest {
    private static final String URI = "otpauth://totp/Postern:alice%40example.org?secret=JBSWY3DPEHPK3PXP&issuer=Postern";

    @Test
    void theSvgDecodesBackToTheText() throws Exception {
        String svg = QrCode.svg(URI);
        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")
                .doesNotContainIgnoringCase("script").doesNotContain("href").doesNotContain("<text");
        Matcher size = Pattern.compile("viewBox=\"0 0 (\\d+) (\\d+)\"").matcher(svg);
        assertThat(size.find()).isTrue();
        int w = Integer.parseInt(size.group(1));
        int scale = 4;
        int[] pixels = new int[w * scale * w * scale];
        java.util.Arrays.fill(pixels, 0xFFFFFFFF);
        Matcher module = Pattern.compile("M(\\d+) (\\d+)h1v1h-1z").matcher(svg);
        while (module.find()) {
            int x = Integer.parseInt(module.group(1));
            int y = Integer.parseInt(module.group(2));
            for (int dy = 0; dy < scale; dy++) {
                for (int dx = 0; dx < scale; dx++) {
                    pixels[(y * scale + dy) * w * scale + x * scale + dx] = 0xFF000000;
                }
            }
        }
        var bitmap = new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(w * scale, w * scale, pixels)));
        assertThat(new QRCodeReader().decode(bitmap).getText()).isEqualTo(URI);
    }

    @Test
    void overlongTextIsRefused() {
        assertThatThrownBy(() -> QrCode.svg("x".repeat(QrCode.MAX_TEXT + 1))).isInstanceOf(IllegalArgumentException.class);
    }
}
