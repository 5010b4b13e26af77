using QRCoder;

namespace Rules.Host.MultiFactor;

/// <summary>
/// Renders the enrolment QR code on the server, as inline SVG markup (QRCoder): nothing is sent to a third-party
/// service, and the page's CSP (default-src 'none') needs no exception since no image is loaded.
/// </summary>
public static class QrCodeSvg
{
    public static string Render(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        // Drop the XML declaration, if any: the markup goes inside the page's HTML.
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        return start > 0 ? svg[start..] : svg;
    }
}
