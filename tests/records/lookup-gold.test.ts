/**
 * The gold table of issue 3: questions an official would type, with and without diacritics
 * and with the plans' abbreviations, and the lead unit(s) the answer must name. Run through
 * the real dialogue on the real index, so classification, lookup and wording are all tested.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { replyText } from '../../src/core/messages.ts';
import { foldDiacritics } from '../../src/nlu/vietnamese.ts';
import type { Assistant } from '../../src/app.ts';
import { testAssistant } from '../helpers/test-assistant.ts';

/** [question, any of these lead units must appear, document the answer must cite] */
const GOLD: Array<[string, string[], string]> = [
  // 001 Phụ lục III — Kế hoạch CĐS năm 2024
  ['Ai chủ trì xây dựng hệ thống quản lý bệnh án điện tử EMR?', ['Sở Y tế'], '001'],
  ['ai chu tri xay dung benh an dien tu', ['Sở Y tế'], '001'],
  ['Tin học hóa trạm y tế xã do đơn vị nào chủ trì?', ['Sở Y tế'], '001'],
  ['Ai làm CSDL bài giảng điện tử?', ['Sở GD&ĐT', 'Giáo dục và Đào tạo'], '001'],
  ['Ứng dụng AI trong dạy học do sở nào chủ trì?', ['Sở GD&ĐT', 'Giáo dục và Đào tạo'], '001'],
  ['đơn vị nào chủ trì xây dựng CSDL ngành giáo dục', ['Sở GD&ĐT', 'Giáo dục và Đào tạo'], '001'],
  ['Trạm quan trắc môi trường tự động do ai chủ trì?', ['Sở TN&MT', 'Tài nguyên và Môi trường'], '001'],
  ['ai chu tri CSDL dat dai huyen Luc Ngan va Son Dong', ['Sở TN&MT', 'Tài nguyên và Môi trường'], '001'],
  ['Trung tâm giám sát bảo vệ rừng do đơn vị nào chủ trì?', ['Sở NN&PTNT', 'Nông nghiệp và Phát triển nông thôn'], '001'],
  ['Ai chủ trì CSDL về sản phẩm, khu vực trồng trọt trọng điểm?', ['Sở NN&PTNT', 'Nông nghiệp và Phát triển nông thôn'], '001'],
  ['Hệ thống giao thông thông minh do ai chủ trì?', ['Sở GTVT', 'Giao thông vận tải'], '001'],
  ['camera xử lý vi phạm giao thông do đơn vị nào chủ trì', ['Công an tỉnh'], '001'],
  ['CSDL hiện trạng hạ tầng giao thông do ai làm?', ['Sở GTVT', 'Giao thông vận tải'], '001'],
  ['Cổng thông tin du lịch tỉnh do sở nào chủ trì?', ['Sở VHTTDL', 'Văn hóa, Thể thao và Du lịch'], '001'],
  ['Số hóa sổ hộ tịch do đơn vị nào chủ trì?', ['Sở Tư pháp'], '001'],
  ['ai chu tri CSDL nha o xa hoi', ['Sở Xây dựng'], '001'],
  ['CSDL quy hoạch hạ tầng công nghiệp và thương mại trên nền GIS do ai cập nhật?', ['Sở Công thương', 'Sở Công Thương'], '001'],
  ['Hệ thống CSDL Nội vụ do đơn vị nào chủ trì?', ['Sở Nội vụ'], '001'],
  ['Ai chủ trì thuê dịch vụ vận hành IOC?', ['Văn phòng UBND tỉnh'], '001'],
  ['Thuê tổng đài số tiếp nhận phản ánh kiến nghị do ai chủ trì?', ['Sở TT&TT', 'Thông tin và Truyền thông'], '001'],
  ['Hội thảo chuyên đề chuyển đổi số cho doanh nghiệp do sở nào chủ trì?', ['Sở KH&ĐT', 'Kế hoạch và Đầu tư'], '001'],
  ['ai chu tri xuc tien thuong mai dien tu tren cac san TMĐT', ['Sở Công thương', 'Sở Công Thương'], '001'],
  ['Hệ thống thông tin thị trường lao động do ai chủ trì?', ['Sở LĐTB&XH', 'Lao động'], '001'],
  ['Phòng họp trực tuyến tại Ban Dân tộc và các huyện miền núi do ai chủ trì?', ['Ban Dân tộc', 'Ban dân tộc'], '001'],
  ['Kiến trúc ICT đô thị thông minh do đơn vị nào cập nhật?', ['Sở TT&TT', 'Phòng CNTT', 'Thông tin và Truyền thông'], '001'],
  ['ai chủ trì xây dựng quy định lưu trữ hồ sơ điện tử', ['Sở Nội vụ'], '001'],
  // 002 — Kế hoạch thực hiện Quy hoạch của Sở TT&TT
  ['Ai chủ trì thuê nền tảng trí tuệ nhân tạo AI?', ['Trung tâm CNTT&TT'], '002'],
  ['Ứng dụng Công dân số tỉnh Bắc Giang do đơn vị nào triển khai?', ['Trung tâm CNTT&TT'], '002'],
  ['ai chu tri ung dung cong chuc so', ['Trung tâm CNTT&TT'], '002'],
  ['Nền tảng hỗ trợ làm việc từ xa do ai chủ trì?', ['Tổ triển khai Dự án'], '002'],
  ['Chuyển đổi địa chỉ IPv6 do đơn vị nào chủ trì?', ['Trung tâm CNTT&TT'], '002'],
  ['Xếp loại mức độ chuyển đổi số các cơ quan nhà nước do ai làm?', ['Phòng CNTT'], '002'],
  ['Ai chủ trì nền tảng lưu trữ, phân tích dữ liệu lớn Big Data?', ['Trung tâm CNTT&TT'], '002'],
  ['Đánh giá ATTT cho thiết bị, phần mềm ứng dụng do đơn vị nào thực hiện?', ['Trung tâm CNTT&TT'], '002'],
  // 004 — Đề án 10-ĐA/TU
  ['Phòng họp trực tuyến chung của Đảng ủy Các cơ quan tỉnh do ai chủ trì?', ['Đảng ủy Các cơ quan tỉnh'], '004'],
  ['Ai chủ trì phòng họp trực tuyến Tỉnh đoàn?', ['Tỉnh đoàn'], '004'],
  ['phong hop truc tuyen Hoi Nong dan tinh do ai chu tri', ['Hội Nông dân tỉnh'], '004'],
  ['Hệ thống thông tin chuyên ngành Tuyên giáo do ban nào triển khai?', ['Ban Tuyên giáo Tỉnh ủy'], '004'],
  ['Phần mềm quản lý dữ liệu đảng viên 3.0 do ai chủ trì?', ['Ban Tổ chức Tỉnh ủy'], '004'],
  ['Ai chủ trì xây dựng cổng thông tin điện tử của Tỉnh ủy?', ['Văn phòng Tỉnh ủy'], '004'],
  ['Số hóa hồ sơ kiểm tra, giám sát từ năm 2010 do đơn vị nào chủ trì?', ['UBKT Tỉnh ủy', 'UBNDKT Tỉnh ủy'], '004'],
  ['Hệ thống thông tin chuyên ngành Dân vận do ai triển khai?', ['Ban Dân vận Tỉnh ủy'], '004'],
  ['Nâng cấp phòng họp trực tuyến của MTTQ tỉnh do ai chủ trì?', ['MTTQ tỉnh'], '004'],
];

const fold = (s: string) => foldDiacritics(s).replace(/\s+/g, ' ');

describe('gold table: who leads a task', () => {
  let assistant: Assistant;
  beforeAll(async () => {
    assistant = await testAssistant();
  });
  afterAll(() => assistant?.close());

  test('has at least 40 pairs across the three documents with tables', () => {
    expect(GOLD.length).toBeGreaterThanOrEqual(40);
    expect(new Set(GOLD.map((g) => g[2]))).toEqual(new Set(['001', '002', '004']));
  });

  test.each(GOLD)('%s → %j', async (question, leads, doc) => {
    const reply = await assistant.dialogue.handle({ type: 'text', channel: 'cli', userId: 'gold', text: question, receivedAt: Date.now() });
    const text = replyText(reply);
    const where = `[${reply.intent}] ${text.slice(0, 400)}`;
    expect(reply.intent, where).not.toBe('out_of_scope');
    expect(leads.some((l) => fold(text).includes(fold(l))), where).toBe(true);
    expect(reply.sources.map((s) => s.doc), where).toContain(doc);
  });
});
