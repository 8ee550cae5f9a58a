namespace FraudWeb.Data;

/// <summary>
/// Wrong passwords tried for an address that has no account (<see cref="Services.Accounts.UnknownAddressLockout"/>),
/// in the database so that every instance counts the same tries. The address is kept only as its keyed hash: it may
/// be somebody's mistyped address, and nobody needs it back.
/// </summary>
public sealed class UnknownAddressFailure
{
    /// <summary>Hex of an HMAC-SHA256.</summary>
    public const int HashLength = 64;

    public string AddressHash { get; set; } = "";

    /// <summary>Wrong passwords since the last lockout began (as Identity counts an account's).</summary>
    public int Failures { get; set; }

    public DateTime? LockedUntilUtc { get; set; }

    public DateTime LastFailedUtc { get; set; }
}
