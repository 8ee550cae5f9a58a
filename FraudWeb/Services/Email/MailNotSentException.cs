namespace FraudWeb.Services.Email;

/// <summary>
/// The mail could not be handed on (the pickup folder cannot be written, a relay refuses it). Callers decide what the
/// person is told and what is kept: a registration or invitation keeps nothing, a reset's security change stands.
/// </summary>
public sealed class MailNotSentException : Exception
{
    public MailNotSentException()
    {
    }

    public MailNotSentException(string message) : base(message)
    {
    }

    public MailNotSentException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
