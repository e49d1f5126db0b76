import { propertySuite } from './suite';

propertySuite('securityhub');
