import { propertySuite } from './suite';

propertySuite('inspector');
