using OtpNet;

namespace Rules.Host.MultiFactor;

/// <summary>
/// RFC 6238 time-based one-time passwords as every authenticator app reads them (SHA-1, 6 digits, 30-second steps),
/// through Otp.NET. A code is accepted from the step before to the step after the server's clock (RFC 6238 §5.2
/// allows for drift and typing time); the step it matched is returned so the caller can refuse it a second time.
/// </summary>
public static class Totp
{
    public const int Digits = 6;
    public const int StepSeconds = 30;

    /// <summary>160 random bits, RFC 4226's recommended key length, base32 as apps expect it.</summary>
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>The matched time step, or null when the code is wrong or not six digits.</summary>
    public static long? Verify(string secret, string code, DateTimeOffset now)
    {
        if (code.Length != Digits || !code.All(char.IsAsciiDigit))
        {
            return null;
        }
        var totp = new OtpNet.Totp(Base32Encoding.ToBytes(secret), StepSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>The code for a moment; tests use it to act as the user's app.</summary>
    public static string Compute(string secret, DateTimeOffset at) =>
        new OtpNet.Totp(Base32Encoding.ToBytes(secret), StepSeconds, OtpHashMode.Sha1, Digits).ComputeTotp(at.UtcDateTime);

    /// <summary>The otpauth:// URI (Google Authenticator's key-URI format) the QR code carries.</summary>
    public static string ProvisioningUri(string issuer, string account, string secret) =>
        $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={secret}&issuer={Uri.EscapeDataString(issuer)}&algorithm=SHA1&digits={Digits}&period={StepSeconds}";
}
