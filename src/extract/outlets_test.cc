// Each default outlet's article page, written in that site's structure
// (src/extract/testdata/*.html, placeholder text), extracts to its body,
// lead image and caption, without the page furniture around them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "extract/extractor.h"
#include "util/fs.h"

namespace nm {
namespace {

struct OutletCase {
  const char* file;
  const char* url;
  const char* title;
  std::vector<const char*> paragraphs;  // the body, in order (a paragraph per line of text)
  const char* lead_image;
  const char* lead_caption;
  std::vector<const char*> absent;      // furniture that must not be in the body
  int64_t published_ms;
};

const std::vector<OutletCase>& Cases() {
  static const auto* cases = new std::vector<OutletCase>{
      {"voa.html", "https://www.voachinese.com/a/sample-river-cleanup-20240510/7600001.html",
       "示例城市举行河流清理活动",
       {"华盛顿 — 示例城市周六举行了一年一度的河流清理活动", "组织者说，今年报名参加的志愿者人数",
        "一位参加活动的退休教师表示", "市政府官员在活动开幕时说", "据介绍，活动结束后收集到的垃圾",
        "组织者还计划在秋季再举办一次类似的活动"},
       "https://gdb.voanews.com/01000000-0a00-0242-0000-08dc00000001_w1200_r1.jpg",
       "志愿者们在示例河畔收集垃圾。（示例图片）",
       {"分享到脸书", "相关新闻", "另一座城市", "版权所有", "关于我们", "示例记者", "搜索", "中国"},
       1715328720000},
      {"bbc.html", "https://www.bbc.com/zhongwen/simp/articles/c0000000000o", "示例古镇修复工程完工",
       {"这座有数百年历史的示例古镇", "当地官员说，修复工程尽量保留了原有的建筑材料",
        "一位在古镇生活了几十年的居民告诉记者", "游客与居民", "研究地方文化的学者认为",
        "据统计，古镇开放后的第一个周末"},
       "https://ichef.bbci.co.uk/news/1024/branded_zhongwen/aaaa/live/0f1e2d3c-0000-11ef-0000-000000000001.jpg",
       "修复工程完工后的古镇主街。",
       {"图像来源", "相关内容", "另一处古建筑群", "热读", "使用条款", "作者", "主页"},
       1715394600000},
      {"dw.html", "https://www.dw.com/zh/示例港口扩建计划引发讨论/a-69000001", "示例港口扩建计划引发讨论",
       {"当地议会本周讨论了港口扩建计划的最新版本", "港口管理公司表示", "环保团体的担忧",
        "然而，多个环保团体指出", "“我们并不反对发展", "议会预计将在夏季休会前"},
       "https://static.dw.com/image/68000001_6.jpg",
       "港口的集装箱码头，扩建计划将使其面积增加三分之一 图像来源: 示例图片社",
       {"Facebook", "WhatsApp", "相关内容", "德国港口物流", "另一座港口的扩建经验", "版权声明", "隐私声明",
        "在线报导"},
       1715507100000},
      {"rfi.html", "https://www.rfi.fr/cn/中国/20240513-示例山区学校迎来新图书馆", "示例山区学校迎来新图书馆",
       {"一所位于偏远山区的小学终于有了自己的图书馆", "这座图书馆由当地政府和一家公益基金会共同出资建设", "学校校长说", "一位四年级的学生告诉记者",
        "基金会的负责人表示", "教育专家认为"},
       "https://s.rfi.fr/media/display/aaaa0001-0000-11ef-0000-005056a90321/w:1280/p:16x9/sample_library.jpg",
       "学生们在新建的图书馆里读书。 © 示例图片社",
       {"分享到", "阅读更多", "乡村教育的新尝试", "关键字", "相关文章", "下载法广应用程序", "版权所有"},
       1715584800000},
      {"nyt.html", "https://cn.nytimes.com/asia-pacific/20240514/sample-coffee/", "示例村庄的咖啡种植实验",
       {"示例村庄——五年前", "当时，许多村民对此持怀疑态度", "如今，村里已有近百户人家种植咖啡",
        "“一开始我们也不知道能不能成功", "农业专家指出", "村干部表示"},
       "https://static01.nyt.com/images/2024/05/14/world/00sample-coffee-01/00sample-coffee-01-facebookJumbo.jpg",
       "一位农民在示例村庄的山坡上查看咖啡树。示例摄影师 for The New York Times",
       {"广告", "Facebook", "微博", "相关报道", "最受欢迎", "中英双语", "A Sample Village", "繁体"},
       1715662748000},
      {"rfa.html", "https://www.rfa.org/mandarin/yataibaodao/sample-ferry-05152024101010.html", "示例渔村的新渡口",
       {"位于海湾深处的示例渔村", "过去，村民只能依靠一条狭窄的山路进出", "一位老渔民回忆说",
        "新渡口由当地政府出资兴建", "不过，也有村民担心", "记者：示例记者 责编"},
       "https://www.rfa.org/mandarin/yataibaodao/sample-ferry-05152024101010.html/ferry.jpg/@@images/image",
       "",  // og:image and the page's picture differ: no caption can be matched to it
       {"脸书", "相关报道", "网友评论", "热门新闻", "版权所有", "首页"},
       1715782210000},
      {"cdt.html", "https://chinadigitaltimes.net/chinese/700001.html", "【网络文摘】示例：一座小城的旧书店",
       {"中国数字时代注", "书店在老街的拐角处", "小时候，我常常在放学后", "后来我去外地读书、工作",
        "去年冬天，书店终于关门了", "现在每次路过那个拐角", "来源：示例公众号"},
       "https://chinadigitaltimes.net/chinese/files/2024/05/sample-bookstore.jpg",
       "小城旧书店的门口（示例图片）",
       {"分享：", "相关文章", "另一家书店", "分类：", "标签：", "上一篇", "读者留言", "热门"},
       1715860800000},
  };
  return *cases;
}

void PrintTo(const OutletCase& c, std::ostream* os) { *os << c.file; }

class OutletFixtureTest : public ::testing::TestWithParam<OutletCase> {};

TEST_P(OutletFixtureTest, ExtractsBodyLeadImageAndCaption) {
  const OutletCase& c = GetParam();
  auto html = ReadFile(std::string(NEWSMIRROR_SOURCE_DIR) + "/src/extract/testdata/" + c.file);
  ASSERT_TRUE(html.ok()) << html.status().message();
  auto r = ExtractArticle(*html, ExtractOptions{c.url, ""});
  ASSERT_TRUE(r.ok()) << r.status().message();
  const ExtractedArticle& a = *r;
  EXPECT_EQ(a.title, c.title);
  EXPECT_EQ(a.lead_image, c.lead_image);
  EXPECT_EQ(a.lead_caption, c.lead_caption);
  ASSERT_TRUE(a.published_ms.has_value());
  EXPECT_EQ(*a.published_ms, c.published_ms);

  std::vector<std::string> lines;
  for (size_t i = 0; i < a.text.size();) {
    size_t nl = a.text.find('\n', i);
    lines.push_back(a.text.substr(i, nl - i));
    i = nl + 1;
  }
  ASSERT_EQ(lines.size(), c.paragraphs.size()) << a.text;
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind(c.paragraphs[i], 0), 0u) << "line " << i << ": " << lines[i];
  }
  for (const char* junk : c.absent) {
    EXPECT_EQ(a.text.find(junk), std::string::npos) << junk << "\n" << a.text;
    EXPECT_EQ(a.body_html.find(junk), std::string::npos) << junk;
  }
  // The lead picture is shown above the body, not again inside it.
  if (!a.lead_caption.empty()) {
    EXPECT_EQ(a.text.find(a.lead_caption), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Outlets, OutletFixtureTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<OutletCase>& info) {
                           std::string name = info.param.file;
                           return name.substr(0, name.find('.'));
                         });

}  // namespace
}  // namespace nm
