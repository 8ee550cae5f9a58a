using FraudWeb.Data;
using FraudWeb.Infrastructure.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.ObjectPool;
using Zxcvbn.Matcher;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// ASVS 2.1.7 and 2.1.9: length instead of composition rules, and an offline check against zxcvbn's lists of common
/// passwords and words and its strength estimate. Registered with Identity, so every path that sets a password
/// (register, change, reset, an administrator's invited user) goes through it.
/// </summary>
public sealed class StrongPasswordValidator : IPasswordValidator<ApplicationUser>
{
    /// <summary>Longest password accepted (ASVS 2.1.2 asks for at least 64).</summary>
    public const int MaximumLength = 128;

    /// <summary>zxcvbn's scale is 0 (too guessable) to 4; 3 is "safely unguessable" for an online attack with throttling.</summary>
    public const int MinimumScore = 3;

    public const string TooLongCode = "PasswordTooLong";
    public const string CommonCode = "PasswordCommon";
    public const string WeakCode = "PasswordWeak";

    /// <summary>
    /// What Chinese users' common passwords are made of, which zxcvbn's English lists lack (Chinese UI test:
    /// "woaini1314woaini" rated very strong): well-known pinyin phrases and lucky or loving numbers, and the commonest
    /// surnames and given names in pinyin. Given to zxcvbn as a dictionary, here and in the browser's meter (the pages
    /// render this list), so the two agree. No served package holds such a list; it is short on purpose.
    /// </summary>
    public static IReadOnlyList<string> CommonChineseWords { get; } =
    [
        "woaini", "5201314", "1314", "520", "woaini1314", "aini", "wodemima", "mima", "zhongguo", "beijing", "shanghai",
        "taobao", "baidu", "weixin", "nihao", "laopo", "laogong", "baobao", "xiaoming", "kuaile", "xingfu", "aiqing",
        "88888888", "66666666", "168", "888", "666", "zhang", "wang", "liu", "chen", "yang", "huang", "zhao", "zhou", "xu",
        "sun", "zhu", "guo", "lin", "luo", "gao", "zhangwei", "wangwei", "wangfang", "liwei", "wangxiuying", "lina",
        "liuyang", "wei", "fang", "min", "jing", "qiang", "lei", "jun", "yong", "yan", "jie", "juan", "tao", "ming",
        "chao", "xiu", "xia", "ping", "gang", "hua",
    ];

    /// <summary>
    /// Reused estimators: zxcvbn's static MatchPassword loads and ranks its word lists again on every call; an
    /// instance keeps them. Pooled, one per concurrent check, as an instance is not documented as thread-safe.
    /// </summary>
    private static readonly ObjectPool<Zxcvbn.Zxcvbn> Estimators = new DefaultObjectPool<Zxcvbn.Zxcvbn>(new EstimatorPolicy());

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (string.IsNullOrEmpty(password)) return Task.FromResult(IdentityResult.Success); // Identity's length rule reports it.
        if (password.Length > MaximumLength)
        {
            return Fail(TooLongCode, Text.Format("The password must be at most {0} characters.", MaximumLength));
        }

        // The person's own address is an obvious guess, so zxcvbn treats it as a dictionary too.
        var personal = new[] { user.Email, user.UserName }.Where(s => !string.IsNullOrWhiteSpace(s))
            .SelectMany(s => s!.Split('@', '.', '-', '_', '+')).Where(s => s.Length >= 3).ToList();
        var estimator = Estimators.Get();
        Zxcvbn.Result result;
        try
        {
            result = estimator.EvaluatePassword(password, personal.Concat(CommonChineseWords));
        }
        finally
        {
            Estimators.Return(estimator);
        }
        var common = result.MatchSequence.OfType<DictionaryMatch>()
            .FirstOrDefault(m => m.DictionaryName == "passwords" && m.Token.Length * 2 >= password.Length);
        if (common is not null)
        {
            return Fail(CommonCode, common.Token.Length == password.Length
                ? Text.Get("This password is on the list of the most common passwords. Choose another one.")
                : Text.Format("This password is mostly \"{0}\", one of the most common passwords. Choose another one.", common.Token));
        }
        if (result.Score < MinimumScore)
        {
            return Fail(WeakCode, Text.Format("This password is too easy to guess (it could be found in {0}). Use a longer phrase of several unrelated words.",
                CrackTime(result.CrackTimeDisplay)));
        }
        return Task.FromResult(IdentityResult.Success);
    }

    /// <summary>
    /// zxcvbn's English estimate ("instant", "12 minutes", "4 hours", "centuries") in the current language; an
    /// estimate of a form this does not know stays as zxcvbn wrote it.
    /// </summary>
    private static string CrackTime(string? display)
    {
        if (string.IsNullOrEmpty(display)) return "";
        if (display == "instant") return Text.Get("instant");
        if (display == "centuries") return Text.Get("centuries");
        var space = display.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0) return display;
        var count = display[..space];
        return display[(space + 1)..] switch
        {
            "minutes" => Text.Format("{0} minutes", count),
            "hours" => Text.Format("{0} hours", count),
            "days" => Text.Format("{0} days", count),
            "months" => Text.Format("{0} months", count),
            "years" => Text.Format("{0} years", count),
            _ => display,
        };
    }

    private static Task<IdentityResult> Fail(string code, string description) =>
        Task.FromResult(IdentityResult.Failed(new IdentityError { Code = code, Description = description }));

    /// <summary>New estimators with zxcvbn's default dictionaries (its constructor's parameters are optional).</summary>
    private sealed class EstimatorPolicy : PooledObjectPolicy<Zxcvbn.Zxcvbn>
    {
        public override Zxcvbn.Zxcvbn Create() => new();

        public override bool Return(Zxcvbn.Zxcvbn obj) => true;
    }
}
