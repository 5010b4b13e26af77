namespace Rules.PeerComparison;

public static class ServerLoad
{
    public static Task<int> RunAsync(string[] args) => Task.FromResult(2);
}
