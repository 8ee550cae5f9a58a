namespace FraudWeb.Services.Admin;

/// <summary>The kinds of record that belong to one person, which a holder's pages and keys reach by id.</summary>
public enum OwnedRecord
{
    Card,
    Payment,
    ApiKey,
}
