import { propertySuite } from './suite';

propertySuite('guardduty');
