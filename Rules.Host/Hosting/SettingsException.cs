namespace Rules.Host.Hosting;

/// <summary>
/// A setting the server cannot work with (a limit that would switch itself off, a key-encryption key that does not fit
/// the store). The message names the setting; <c>rules serve</c> prints it and exits 2.
/// </summary>
public sealed class SettingsException(string message, Exception? inner = null) : Exception(message, inner);
