namespace Rules.Host.Hosting;

/// <summary>A setting the server cannot start with; <c>rules serve</c> prints the message (which names the setting) and exits 2.</summary>
public sealed class StartupSettingsException(string message, Exception? inner = null) : Exception(message, inner);
