using System.Globalization;
using System.Text;

namespace FraudWeb.Domain.Entities;

/// <summary>
/// Where a postcode is asked for. Places whose post has no postcodes (Hong Kong, Macao, the UAE, Qatar and the others
/// the Universal Postal Union lists without a postal code system) could not register or save their details while one was
/// required. The country is typed freely, so it is matched by its English or Chinese name, common short forms and ISO
/// 3166 codes, ignoring case, spaces, dots and "the". Everywhere else a postcode stays required; wherever one is given
/// it is checked as before (a place without postcodes may still have a PO box number or a code of its own).
/// </summary>
public static class Postcodes
{
    private static readonly HashSet<string> WithoutPostcodes = new(StringComparer.Ordinal)
    {
        // Hong Kong and Macao
        "HONGKONG", "HK", "HKG", "HONGKONGSAR", "HONGKONGCHINA", "HONGKONGSARCHINA", "香港", "中国香港", "中國香港", "香港特别行政区", "香港特別行政區",
        "MACAO", "MACAU", "MO", "MAC", "MACAOSAR", "MACAUSAR", "MACAOSARCHINA", "澳门", "澳門", "中国澳门", "中國澳門", "澳门特别行政区", "澳門特別行政區",
        // The Gulf
        "UNITEDARABEMIRATES", "UAE", "AE", "ARE", "EMIRATES", "阿联酋", "阿拉伯联合酋长国", "阿聯酋", "阿拉伯聯合大公國",
        "QATAR", "QA", "QAT", "卡塔尔", "卡塔爾",
        "YEMEN", "YE", "YEM", "也门", "也門",
        "SYRIA", "SY", "SYR", "SYRIANARABREPUBLIC", "叙利亚", "敘利亞",
        // Africa
        "ANGOLA", "AO", "AGO", "安哥拉",
        "BENIN", "BJ", "BEN", "贝宁",
        "BOTSWANA", "BW", "BWA", "博茨瓦纳",
        "BURKINAFASO", "BF", "BFA", "布基纳法索",
        "BURUNDI", "BI", "BDI", "布隆迪",
        "CAMEROON", "CM", "CMR", "喀麦隆",
        "CENTRALAFRICANREPUBLIC", "CF", "CAF", "中非", "中非共和国",
        "COMOROS", "KM", "COM", "科摩罗",
        "CONGO", "CG", "COG", "REPUBLICOFTHECONGO", "刚果", "刚果共和国",
        "DEMOCRATICREPUBLICOFTHECONGO", "DRCONGO", "DRC", "CD", "COD", "刚果民主共和国", "刚果金",
        "COTEDIVOIRE", "CÔTEDIVOIRE", "IVORYCOAST", "CI", "CIV", "科特迪瓦",
        "DJIBOUTI", "DJ", "DJI", "吉布提",
        "EQUATORIALGUINEA", "GQ", "GNQ", "赤道几内亚",
        "ERITREA", "ER", "ERI", "厄立特里亚",
        "GAMBIA", "GM", "GMB", "冈比亚",
        "LIBYA", "LY", "LBY", "利比亚",
        "MALAWI", "MW", "MWI", "马拉维",
        "MALI", "ML", "MLI", "马里",
        "MAURITANIA", "MR", "MRT", "毛里塔尼亚",
        "RWANDA", "RW", "RWA", "卢旺达",
        "SEYCHELLES", "SC", "SYC", "塞舌尔",
        "SIERRALEONE", "SL", "SLE", "塞拉利昂",
        "SOUTHSUDAN", "SS", "SSD", "南苏丹",
        "TOGO", "TG", "TGO", "多哥",
        "UGANDA", "UG", "UGA", "乌干达",
        "ZIMBABWE", "ZW", "ZWE", "津巴布韦",
        // The Americas
        "ANTIGUAANDBARBUDA", "AG", "ATG", "安提瓜和巴布达",
        "ARUBA", "AW", "ABW", "阿鲁巴",
        "BAHAMAS", "BS", "BHS", "巴哈马",
        "BELIZE", "BZ", "BLZ", "伯利兹",
        "BOLIVIA", "BO", "BOL", "玻利维亚",
        "CURACAO", "CURAÇAO", "CW", "CUW", "库拉索",
        "DOMINICA", "DM", "DMA", "多米尼克",
        "GRENADA", "GD", "GRD", "格林纳达",
        "GUYANA", "GY", "GUY", "圭亚那",
        "SAINTKITTSANDNEVIS", "STKITTSANDNEVIS", "KN", "KNA", "圣基茨和尼维斯",
        "SAINTLUCIA", "STLUCIA", "LC", "LCA", "圣卢西亚",
        "SURINAME", "SR", "SUR", "苏里南",
        // Asia and the Pacific
        "NORTHKOREA", "KP", "PRK", "DEMOCRATICPEOPLESREPUBLICOFKOREA", "朝鲜",
        "TIMORLESTE", "EASTTIMOR", "TL", "TLS", "东帝汶",
        "FIJI", "FJ", "FJI", "斐济",
        "KIRIBATI", "KI", "KIR", "基里巴斯",
        "NAURU", "NR", "NRU", "瑙鲁",
        "SOLOMONISLANDS", "SB", "SLB", "所罗门群岛",
        "TONGA", "TO", "TON", "汤加",
        "TUVALU", "TV", "TUV", "图瓦卢",
        "VANUATU", "VU", "VUT", "瓦努阿图",
        "COOKISLANDS", "CK", "COK", "库克群岛",
        "NIUE", "NU", "NIU", "纽埃",
        "TOKELAU", "TK", "TKL", "托克劳",
    };

    /// <summary>Whether a postcode must be given for an address in <paramref name="country"/> (true for a country not recognised).</summary>
    public static bool AreRequiredIn(string? country) => !WithoutPostcodes.Contains(Key(country));

    /// <summary>The country as compared: compatibility-normalised, upper case, without spaces, punctuation or a leading "the".</summary>
    private static string Key(string? country)
    {
        if (string.IsNullOrWhiteSpace(country)) return "";
        string text;
        try
        {
            text = country.Normalize(NormalizationForm.FormKC).Trim().ToUpperInvariant();
        }
        catch (ArgumentException)
        {
            return ""; // not valid Unicode: no country this list knows
        }
        if (text.StartsWith("THE ", StringComparison.Ordinal)) text = text[4..];
        var key = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c)) key.Append(c);
        }
        return key.ToString();
    }
}
